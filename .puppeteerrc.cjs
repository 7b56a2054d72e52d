/**
 * whatsapp-web.js brings puppeteer, which would download its own Chrome at
 * install time. RelayDesk drives the system Chromium instead (CHROMIUM_PATH),
 * so no browser is ever downloaded, whatever npm version runs the install.
 * https://pptr.dev/guides/configuration
 */
module.exports = { skipDownload: true };
