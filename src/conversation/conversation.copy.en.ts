import type { RU } from './conversation.copy.ru.js';

/** English texts: the same keys and `{placeholders}` as the Russian dictionary. */
export const EN: Record<keyof typeof RU, string> = {
  greeting: "Hello! I'm the support bot and I'll help you file a request.",
  askType:
    'Choose the request type. Incident: something stopped working for you; mass incident: the problem ' +
    'affects many people; consultation: you need advice; development request: a suggestion to change something.',
  typeNotRecognised: "I didn't get the request type. Press a button or send the option number from 1 to 4.",
  askSubject: 'Give the request a short subject, {min} to {max} characters.',
  askDescription:
    'Describe the problem in detail: what happened, when, and what you have already tried ({min} to {max} characters).',
  askScreenshot: 'Attach a screenshot (PNG, JPEG, WebP or GIF) or press “Skip”.',
  textRequired: 'I need text here, please type it as a message.',
  imageKept: 'I saved the image as the screenshot for the request.',
  fileNotKept:
    'The file was not attached: a request can only take an image (PNG, JPEG, WebP or GIF). ' +
    'Send other files after the request is created.',
  subjectTooShort: 'The subject is too short: {length} now, it needs {min} to {max} characters.',
  subjectTooLong: 'The subject is too long: {length} now, it needs {min} to {max} characters.',
  descriptionTooShort: 'The description is too short: {length} now, it needs {min} to {max} characters.',
  descriptionTooLong: 'The description is too long: {length} now, it needs {min} to {max} characters.',
  notAnImage: "That's not an image. The screenshot must be a PNG, JPEG, WebP or GIF.",
  fileUnsupported: 'File not accepted: only images can be sent (PNG, JPEG, WebP or GIF).',
  fileTooLarge: 'File not accepted: it is larger than {limitMb} MB. Please make it smaller or send another one.',
  fileTooManyPixels:
    'File not accepted: the image is {width}×{height} pixels, which is too large. Images may have up to {maxMegapixels} megapixels ' +
    'and at most {maxSide} pixels on a side. Please make it smaller or send another one.',
  stepFailed: 'Sorry, we could not process your message because of a fault on our side. It has been saved and support knows about the problem. Please try again a little later.',
  screenshotExpected: "I'm waiting for a screenshot. If you don't have one, press “Skip”.",
  summary: 'Please check your request:\nType: {type}\nSubject: {subject}\nDescription: {description}\nScreenshot: {screenshot}',
  screenshotAttached: 'attached',
  screenshotNone: 'none',
  summaryNotRecognised: 'Choose what to do with the request: submit, edit or cancel.',
  chooseField: 'What would you like to change?',
  fieldNotRecognised: 'Choose what to change, or press “Back”.',
  creating: 'Creating your request, one moment…',
  waitCreating: "One moment, the request is still being created. I'll add your message to it.",
  cannotInterruptCreating: 'The request is already being created and cannot be interrupted. One moment…',
  requestCreated:
    'Request {number} has been created. A support specialist will pick it up soon.\n' +
    'Anything you write here will be added to this request.',
  cancelled: 'The request was cancelled.',
  nothingToCancel: 'There is nothing to cancel right now.',
  followUpAck: "Your message was added to request {number}. The specialist's reply will come here.",
  clarificationThanks: 'Thank you! Your answer has been passed to support for request {number}.',
  solvedThanks: "Glad the problem is solved! Request {number} is closed. If you need help again, just write.",
  reopened: "Sorry it didn't help. Request {number} is back in progress and your message was passed to support.",
  feedbackReoffer: 'Your message was passed to support. Is the problem in request {number} solved?',
  noticeInProgress: 'Request {number} has been taken into work.',
  noticeClarification: 'Support needs a clarification on request {number}:\n“{comment}”\nPlease reply with a message.',
  noticeClarificationPlain: 'Support needs a clarification on request {number}. Please reply with more details.',
  noticeSolution: 'A solution has been proposed for request {number}:\n{comment}\n\nIs the problem solved?',
  noticeSolutionPlain: 'Support marked the problem in request {number} as solved. Is that right?',
  noticeClosed: 'Request {number} has been closed.',
  noticeStatus: 'Request {number} status: “{status}”.',
  noticeComment: "Specialist's comment: {comment}",
  statusListHeader: 'Your open requests:',
  statusLine: '{number} — {subject} — {status}',
  noOpenRequests: 'You have no open requests.',
  requestNotFound: 'Request {number} was not found among yours.',
  statusUsage: 'Usage: /status for all open requests, /status SR-1042 for one request.',
  help:
    'Commands:\n' +
    '/new — file a new request\n' +
    '/status — your open requests (/status SR-1042 for one request)\n' +
    '/cancel — cancel the request being filed\n' +
    '/lang ru or /lang en — language\n' +
    '/start — start over\n' +
    '/help — this help',
  unknownCommand: "I don't know the command {command}. Send /help for the list of commands.",
  unknownCommandButtons: "I don't know the command {command}. Here, everything is done with the buttons.",
  langSet: "Done, I'll speak English from now on.",
  hintNew: 'To file a new request, send /new.',
  menuIntro: 'How can I help? You can file a new request, see your requests or change the language.',
  'menu.new': 'New request',
  'menu.status': 'My requests',
  'menu.lang': 'Русский',
  problemNoted: 'Noted: “{problem}”. It will go into the request.',
  askName: 'How should we address you? Please write your name.',
  nameInvalid: 'Please write your name as text, up to {max} characters.',
  askContact: 'Please leave an e-mail address or a phone number so that a specialist can reach you.',
  contactInvalid: "That doesn't look like an e-mail address or a phone number. For example: name@example.com or +1 202 555 0143.",
  contactThanks: 'Thank you, {name}!',
  addedToDescription: 'Added to the description: “{text}”.',
  descriptionFull: "This text didn't fit into the description: it can be at most {max} characters.",
  closedFollowUp:
    'Request {number} is closed. Your message was added to it, so support will see it.\n' +
    'If the problem is not solved, reopen the request or file a new one.',
  reopenedByCustomer: 'Request {number} is in progress again. A specialist will reply here.',
  'choice.reopen': 'Reopen the request',
  takenOver: 'Specialist {agent} has joined the conversation. Request {number} is registered; let us continue here.',
  untitled: 'Request without a subject',
  undescribed: 'No description given: the specialist will ask for the details in the conversation.',
  incidentOffer: 'We know about a fault: “{title}”. Is yours this one?',
  incidentOfferMany: 'We know about several faults. Is yours one of them?',
  incidentOfferNotRecognised: 'Please choose which of the faults you have, or “{no}”.',
  'choice.incidentYes': 'Yes, this is my problem',
  'choice.incidentThis': 'Yes: {title}',
  'choice.incidentNo': 'No, something else',
  incidentResolved: 'The fault “{title}” has already been fixed. If the problem is still there, let’s file a request.',
  incidentResolvedPlain: 'That fault has already been fixed. If the problem is still there, let’s file a request.',
  incidentLinked:
    'Request {number} has been created and linked to the mass incident {incident} “{title}”. ' +
    'Our specialists are already fixing the fault, and news about it will come here.\n' +
    'Anything you write here will be added to your request.',
  incidentLatestUpdate: 'Latest update: {update}',
  incidentStatusLine: 'Part of mass incident {incident} “{title}”',
  incidentUpdate: 'Update on the service outage {incident} “{title}” (your request {number}):\n{text}',
  incidentSubjectFallback: 'Mass incident {incident}',
  incidentDescriptionFallback: 'The customer confirmed being affected by mass incident {incident} “{title}”.',
  langUsage: 'Usage: /lang ru or /lang en.',
  'type.incident': 'Incident',
  'type.mass_incident': 'Mass incident',
  'type.consultation': 'Consultation',
  'type.development_request': 'Development request',
  'status.new': 'New',
  'status.in_progress': 'In progress',
  'status.awaiting_customer': 'Awaiting your reply',
  'status.solution_provided': 'Solution proposed',
  'status.closed': 'Closed',
  'choice.confirm': 'Submit',
  'choice.edit': 'Edit',
  'choice.cancel': 'Cancel',
  'choice.skip': 'Skip',
  'choice.solved': 'Solved',
  'choice.not_solved': 'Not solved',
  'field.type': 'Type',
  'field.subject': 'Subject',
  'field.description': 'Description',
  'field.screenshot': 'Screenshot',
  'field.back': 'Back',
};
