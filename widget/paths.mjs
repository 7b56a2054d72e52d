// Files the gateway serves: GET /widget.js (built by `npm run build:widget`) and GET / (the demo page).
import { fileURLToPath, URL } from 'node:url';

/** Absolute path of the built bundle, `widget/dist/widget.js`. */
export const widgetBundlePath = fileURLToPath(new URL('./dist/widget.js', import.meta.url));

/** Absolute path of the demo customer page, `widget/demo.html`. */
export const widgetDemoPath = fileURLToPath(new URL('./demo.html', import.meta.url));
