/** Absolute path of the built bundle, `widget/dist/widget.js` (exists after `npm run build:widget`). */
export declare const widgetBundlePath: string;
/** Absolute path of the demo customer page, `widget/demo.html`. */
export declare const widgetDemoPath: string;
