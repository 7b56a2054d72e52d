/**
 * Russian texts (the default language). `{name}` marks a value filled in by
 * `formatText`; the English dictionary must use the same keys and placeholders.
 * A dash is tied to the word before it (a no-break space, `\u00a0`): wrapped
 * text never starts a line with "—".
 */
export const RU = {
  greeting: 'Здравствуйте! Я бот службы поддержки и помогу оформить заявку.',
  askType:
    'Выберите тип заявки. Инцидент\u00a0— у вас что-то перестало работать; массовый инцидент\u00a0— проблема ' +
    'затронула многих; консультация\u00a0— нужен совет; запрос на доработку\u00a0— предложение что-то изменить.',
  typeNotRecognised: 'Не понял тип заявки. Нажмите кнопку или отправьте номер варианта от 1 до 4.',
  askSubject: 'Коротко сформулируйте тему заявки\u00a0— от {min} до {max} символов.',
  askDescription:
    'Опишите проблему подробнее: что произошло, когда и что вы уже пробовали\u00a0— от {min} до {max} символов.',
  askScreenshot: 'Приложите скриншот (PNG, JPEG, WebP или GIF) или нажмите «Пропустить».',
  textRequired: 'Здесь нужен текст\u00a0— напишите, пожалуйста, сообщением.',
  imageKept: 'Изображение сохранил как скриншот к заявке.',
  fileNotKept:
    'Файл не приложен: к заявке можно добавить только изображение (PNG, JPEG, WebP или GIF). ' +
    'Другие файлы пришлите после создания заявки.',
  subjectTooShort: 'Тема слишком короткая: сейчас {length}, нужно от {min} до {max} символов.',
  subjectTooLong: 'Тема слишком длинная: сейчас {length}, нужно от {min} до {max} символов.',
  descriptionTooShort: 'Описание слишком короткое: сейчас {length}, нужно от {min} до {max} символов.',
  descriptionTooLong: 'Описание слишком длинное: сейчас {length}, нужно от {min} до {max} символов.',
  notAnImage: 'Это не изображение. Нужен скриншот в формате PNG, JPEG, WebP или GIF.',
  fileUnsupported: 'Файл не принят: можно отправить только изображение (PNG, JPEG, WebP или GIF).',
  fileTooLarge: 'Файл не принят: он больше {limitMb} МБ. Уменьшите его или пришлите другой.',
  fileTooManyPixels:
    'Файл не принят: изображение {width}×{height} пикселей слишком большое. Можно не больше {maxMegapixels} мегапикселей ' +
    'и не больше {maxSide} пикселей по каждой стороне. Уменьшите его или пришлите другое.',
  stepFailed: 'Извините, не получилось обработать ваше сообщение из-за сбоя у нас. Оно сохранено, специалисты уже знают о проблеме. Попробуйте повторить чуть позже.',
  screenshotExpected: 'Жду скриншот. Если его нет, нажмите «Пропустить».',
  summary: 'Проверьте заявку:\nТип: {type}\nТема: {subject}\nОписание: {description}\nСкриншот: {screenshot}',
  screenshotAttached: 'приложен',
  screenshotNone: 'нет',
  summaryNotRecognised: 'Выберите, что сделать с заявкой: отправить, изменить или отменить.',
  chooseField: 'Что изменить?',
  fieldNotRecognised: 'Выберите, что хотите изменить, или нажмите «Назад».',
  creating: 'Создаю заявку, минутку…',
  waitCreating: 'Минутку, заявка ещё создаётся. Ваше сообщение добавлю к ней.',
  cannotInterruptCreating: 'Заявка уже создаётся, прервать это нельзя. Минутку…',
  requestCreated:
    'Заявка {number} создана. Специалист скоро возьмётся за неё.\nВсё, что вы напишете здесь, добавим к этой заявке.',
  cancelled: 'Оформление заявки отменено.',
  nothingToCancel: 'Сейчас нечего отменять.',
  followUpAck: 'Сообщение добавлено к заявке {number}. Ответ специалиста придёт сюда.',
  clarificationThanks: 'Спасибо! Ответ передан специалисту по заявке {number}.',
  solvedThanks: 'Рады, что проблема решена! Заявка {number} закрыта. Если понадобится помощь\u00a0— пишите.',
  reopened: 'Жаль, что не помогло. Заявка {number} снова в работе, сообщение передано специалисту.',
  feedbackReoffer: 'Сообщение передано специалисту. Подскажите, проблема по заявке {number} решена?',
  noticeInProgress: 'Заявка {number} взята в работу.',
  noticeClarification: 'По заявке {number} специалисту нужно уточнение:\n«{comment}»\nОтветьте, пожалуйста, сообщением.',
  noticeClarificationPlain:
    'По заявке {number} специалисту нужно уточнение. Ответьте, пожалуйста, сообщением с подробностями.',
  noticeSolution: 'По заявке {number} предложено решение:\n{comment}\n\nПроблема решена?',
  noticeSolutionPlain: 'Специалист отметил, что проблема по заявке {number} решена. Это так?',
  noticeClosed: 'Заявка {number} закрыта.',
  noticeStatus: 'Статус заявки {number}: «{status}».',
  noticeComment: 'Комментарий специалиста: {comment}',
  statusListHeader: 'Ваши открытые заявки:',
  statusLine: '{number}\u00a0— {subject}\u00a0— {status}',
  noOpenRequests: 'Открытых заявок нет.',
  requestNotFound: 'Заявка {number} не найдена среди ваших.',
  statusUsage: 'Формат: /status\u00a0— все открытые заявки, /status SR-1042\u00a0— одна заявка.',
  help:
    'Команды:\n' +
    '/new\u00a0— новая заявка\n' +
    '/status\u00a0— ваши открытые заявки (/status SR-1042\u00a0— одна заявка)\n' +
    '/cancel\u00a0— отменить оформление заявки\n' +
    '/lang ru или /lang en\u00a0— язык общения\n' +
    '/start\u00a0— начать сначала\n' +
    '/help\u00a0— эта справка',
  unknownCommand: 'Не знаю команду {command}. Список команд\u00a0— /help.',
  unknownCommandButtons: 'Не знаю команду {command}. Здесь всё делается кнопками.',
  langSet: 'Готово, теперь общаемся по-русски.',
  hintNew: 'Новая заявка\u00a0— команда /new.',
  menuIntro: 'Чем помочь? Можно создать новую заявку, посмотреть свои заявки или сменить язык.',
  'menu.new': 'Новая заявка',
  'menu.status': 'Мои заявки',
  'menu.lang': 'English',
  problemNoted: 'Записал: «{problem}». Это войдёт в заявку.',
  askName: 'Как к вам обращаться? Напишите, пожалуйста, ваше имя.',
  nameInvalid: 'Напишите имя текстом, до {max} символов.',
  askContact: 'Оставьте e-mail или номер телефона, чтобы специалист мог с вами связаться.',
  contactInvalid: 'Не похоже на e-mail или номер телефона. Например: name@example.com или +7 900 123-45-67.',
  contactThanks: 'Спасибо, {name}!',
  addedToDescription: 'Добавил к описанию: «{text}».',
  descriptionFull: 'Этот текст не поместился в описание: в нём может быть не больше {max} символов.',
  closedFollowUp:
    'Заявка {number} закрыта. Ваше сообщение добавлено к ней\u00a0— специалисты его увидят.\n' +
    'Если проблема не решена, откройте заявку снова или создайте новую.',
  reopenedByCustomer: 'Заявка {number} снова в работе. Специалист ответит здесь.',
  'choice.reopen': 'Открыть заявку снова',
  takenOver: 'К разговору подключился специалист {agent}. Заявка {number} зарегистрирована\u00a0— продолжим здесь.',
  untitled: 'Обращение без темы',
  undescribed: 'Описание не указано: специалист уточнит детали в переписке.',
  incidentOffer: 'Мы уже знаем о сбое: «{title}». У вас та же проблема?',
  incidentOfferMany: 'Мы уже знаем о нескольких сбоях. Ваша проблема\u00a0— одна из них?',
  incidentOfferNotRecognised: 'Уточните, пожалуйста, какой из сбоев у вас, или выберите «{no}».',
  'choice.incidentYes': 'Да, это моя проблема',
  'choice.incidentThis': 'Да: {title}',
  'choice.incidentNo': 'Нет, у меня другое',
  incidentResolved: 'Сбой «{title}» уже устранён. Если проблема осталась, давайте оформим заявку.',
  incidentResolvedPlain: 'Этот сбой уже устранён. Если проблема осталась, давайте оформим заявку.',
  incidentLinked:
    'Заявка {number} создана и привязана к массовому инциденту {incident} «{title}». ' +
    'Специалисты уже устраняют сбой, новости о нём придут сюда.\nВсё, что вы напишете здесь, добавим к вашей заявке.',
  incidentLatestUpdate: 'Последнее обновление: {update}',
  incidentStatusLine: 'Часть массового инцидента {incident} «{title}»',
  incidentUpdate: 'Обновление по массовому инциденту {incident} «{title}» (ваша заявка {number}):\n{text}',
  incidentSubjectFallback: 'Массовый инцидент {incident}',
  incidentDescriptionFallback: 'Клиент подтвердил, что его затронул массовый инцидент {incident} «{title}».',
  langUsage: 'Формат: /lang ru или /lang en.',
  'type.incident': 'Инцидент',
  'type.mass_incident': 'Массовый инцидент',
  'type.consultation': 'Консультация',
  'type.development_request': 'Запрос на доработку',
  'status.new': 'Новая',
  'status.in_progress': 'В работе',
  'status.awaiting_customer': 'Ждёт вашего ответа',
  'status.solution_provided': 'Предложено решение',
  'status.closed': 'Закрыта',
  'choice.confirm': 'Отправить',
  'choice.edit': 'Изменить',
  'choice.cancel': 'Отменить',
  'choice.skip': 'Пропустить',
  'choice.solved': 'Решено',
  'choice.not_solved': 'Не решено',
  'field.type': 'Тип',
  'field.subject': 'Тему',
  'field.description': 'Описание',
  'field.screenshot': 'Скриншот',
  'field.back': 'Назад',
} as const;
