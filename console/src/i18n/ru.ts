import type { Strings } from './en.js';

/** Russian plural: one (1, 21…), few (2–4, 22–24…), many (the rest). */
function plural(n: number, one: string, few: string, many: string): string {
  const ten = n % 10;
  const hundred = n % 100;
  if (ten === 1 && hundred !== 11) return one;
  if (ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14)) return few;
  return many;
}

/** Every string the console shows, in Russian. */
export const ru: Strings = {
  appName: 'RelayDesk',
  language: 'Язык',
  loading: 'Загрузка…',
  close: 'Закрыть',
  cancel: 'Отмена',
  save: 'Сохранить',
  send: 'Отправить',
  delete: 'Удалить',
  retry: 'Повторить',
  required: 'Заполните это поле.',
  tooShort: (n) => `Нужно не меньше ${n} символов.`,

  signInTitle: 'Консоль агента',
  signInLead: 'Войдите под своей учётной записью агента.',
  email: 'Эл. почта',
  password: 'Пароль',
  signIn: 'Войти',
  signingIn: 'Входим…',
  wrongCredentials: 'Неверная почта или пароль.',
  rateLimited: (seconds) =>
    !seconds
      ? 'Слишком много попыток. Повторите чуть позже.'
      : seconds < 90
        ? `Слишком много попыток. Повторите через ${seconds} с.`
        : `Слишком много попыток. Повторите через ${Math.ceil(seconds / 60)} мин.`,
  sessionEnded: 'Сеанс завершён. Войдите снова.',

  mainNav: 'Основное',
  navRequests: 'Обращения',
  navAgents: 'Агенты',
  signOut: 'Выйти',
  link: { online: 'В сети', connecting: 'Подключение…', offline: 'Нет связи, переподключаемся…' },

  requests: 'Обращения',
  search: 'Поиск обращений',
  searchPlaceholder: 'Номер, тема, клиент…',
  statusFilter: 'Статус',
  tabs: { open: 'Открытые', awaiting_customer: 'Ждут клиента', solution_provided: 'Решение предложено', closed: 'Закрытые', all: 'Все' },
  typeFilter: 'Тип',
  channelFilter: 'Канал',
  assigneeFilter: 'Исполнитель',
  allTypes: 'Все типы',
  allChannels: 'Все каналы',
  anyone: 'Любой',
  me: 'Я',
  unassigned: 'Не назначен',
  loadMore: 'Показать ещё',
  noRequests: 'Нет обращений с такими фильтрами.',
  unread: (n) => `${n} ${plural(n, 'непрочитанное', 'непрочитанных', 'непрочитанных')}`,

  status: { new: 'Новое', in_progress: 'В работе', awaiting_customer: 'Ждёт клиента', solution_provided: 'Решение предложено', closed: 'Закрыто' },
  type: { incident: 'Инцидент', mass_incident: 'Массовый инцидент', consultation: 'Консультация', development_request: 'Запрос на доработку' },
  channel: { webchat: 'Веб-чат', telegram: 'Telegram', whatsapp: 'WhatsApp' },

  back: 'Все обращения',
  pickRequest: 'Выберите обращение слева, чтобы увидеть переписку.',
  notFound: 'Такого обращения нет.',
  customer: 'Клиент',
  assignee: 'Исполнитель',
  nobody: 'не назначен',
  created: 'Создано',
  anonymous: 'Аноним',
  unreachable: 'Клиент недоступен в этом канале (возможно, заблокировал бота): ответы не будут доставлены.',
  description: 'Описание',
  conversation: 'Переписка',
  author: { customer: 'Клиент', bot: 'Бот', agent: 'Агент', system: 'Система' },
  note: 'Заметка',
  delivery: { pending: 'Отправляется…', sent: 'Отправлено', failed: 'Не доставлено' },
  offered: 'Предложенные кнопки',
  screenshot: 'Скриншот',
  openFullSize: 'Открыть в полном размере',
  fullSize: 'Скриншот в полном размере',
  file: 'Файл',
  statusChange: 'Статус',
  customerTyping: 'Клиент печатает…',
  agentTyping: (name) => `${name} печатает…`,

  actions: 'Действия',
  startWork: 'Взять в работу',
  reopen: 'Открыть снова',
  askClarification: 'Запросить уточнение',
  provideSolution: 'Предложить решение',
  closeRequest: 'Закрыть обращение',
  assignToMe: 'Назначить на меня',
  unassign: 'Снять назначение',
  clarificationTitle: 'Задать клиенту вопрос',
  clarificationLabel: 'Вопрос клиенту (он будет отправлен клиенту)',
  solutionTitle: 'Предложить решение',
  solutionLabel: 'Решение (будет отправлено клиенту, он подтвердит его или нет)',
  closeTitle: 'Закрыть обращение?',
  closeLabel: 'Комментарий (необязательно)',

  reply: 'Ответ',
  replyPlaceholder: 'Ответ клиенту… Enter — отправить, Shift+Enter — новая строка',
  notePlaceholder: 'Внутренняя заметка: её видят только агенты…',
  internalNote: 'Внутренняя заметка',
  addNote: 'Добавить заметку',
  cannedResponses: 'Шаблоны ответов',
  insert: 'Вставить',
  noCanned: 'Шаблонов пока нет.',
  saveAsCanned: 'Сохранить текст как шаблон',
  cannedTitle: 'Название',
  cannedText: 'Текст',
  newCanned: 'Новый шаблон',
  confirmDelete: (title) => `Удалить «${title}»?`,

  agents: 'Агенты',
  addAgent: 'Добавить агента',
  name: 'Имя',
  role: 'Роль',
  roles: { admin: 'Администратор', agent: 'Агент' },
  state: 'Состояние',
  active: 'Активен',
  inactive: 'Отключён',
  activate: 'Включить',
  deactivate: 'Отключить',
  setPassword: 'Задать пароль',
  newPasswordFor: (name) => `Новый пароль для ${name}`,
  you: 'вы',
  passwordSet: 'Пароль изменён.',
  agentAdded: (name) => `${name} добавлен(а).`,
  add: 'Добавить',

  error: (message) => `Что-то пошло не так: ${message}`,
  networkError: 'Сервер недоступен. Проверьте связь и повторите.',
  forbidden: 'У вас нет прав на это действие.',
  dismiss: 'Скрыть',
};
