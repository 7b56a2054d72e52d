/**
 * The widget's style sheet, scoped by its shadow root. `:host { all: initial }`
 * (important, so it beats page rules such as `* { font-size: 40px }` that match
 * the host element) stops inheritance from the page; nothing here can reach
 * the page's own elements.
 */
export function buildCss(accent: string, side: 'left' | 'right'): string {
  return `
:host{all:initial!important}
.root{--a:${accent};font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2330;-webkit-font-smoothing:antialiased}
.root *,.root *::before,.root *::after{box-sizing:border-box}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
button,textarea,input{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
svg{width:22px;height:22px;fill:currentColor}
.launcher{position:fixed;bottom:20px;${side}:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;background:var(--a);color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;padding:0}
.launcher svg{width:26px;height:26px}
.launcher svg+svg,.open .launcher svg:first-child{display:none}
.open .launcher svg+svg{display:block}
.badge{position:absolute;top:-4px;${side === 'right' ? 'left' : 'right'}:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#d92d20;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.panel{position:fixed;bottom:88px;${side}:20px;z-index:2147483001;width:370px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 108px);display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden}
.panel.drag{box-shadow:0 0 0 3px var(--a),0 10px 40px rgba(0,0,0,.28)}
header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--a);color:#fff}
.heading{flex:1;min-width:0}
h2{margin:0;font-size:16px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.status{font-size:12px;opacity:.92}
.close{border:0;background:transparent;color:#fff;width:36px;height:36px;border-radius:8px;display:grid;place-items:center;padding:0}
.close:hover{background:rgba(255,255,255,.15)}
.close:focus-visible{outline-color:#fff;outline-offset:-3px}
.body{flex:1;min-height:0;position:relative;display:flex;flex-direction:column}
.scroll{flex:1;overflow-y:auto;padding:12px;background:#f5f6f8;overscroll-behavior:contain}
.earlier{display:block;margin:0 auto 8px;border:0;background:none;color:var(--a);text-decoration:underline;font-size:13px}
.log{display:flex;flex-direction:column;gap:8px}
.msg{display:flex;flex-direction:column;max-width:85%;align-self:flex-start}
.msg.customer{align-self:flex-end;align-items:flex-end}
.who{font-size:12px;font-weight:600;color:var(--a);margin:0 0 2px 4px}
.bubble{padding:8px 12px;border-radius:14px;background:#fff;border:1px solid #e1e4ea;white-space:pre-wrap;overflow-wrap:anywhere}
.bot .bubble{background:#e9ecf2;border-color:#e9ecf2;border-bottom-left-radius:4px}
.agent .bubble{border-left:3px solid var(--a);border-bottom-left-radius:4px}
.customer .bubble{background:var(--a);border-color:var(--a);color:#fff;border-bottom-right-radius:4px}
.pending .bubble{opacity:.65}
.failed .bubble{opacity:1;background:#fff;color:#1d2330;border-color:#d92d20}
.shot{display:block;margin:4px 0;border-radius:8px;overflow:hidden;max-width:220px}
.shot img{display:block;max-width:100%;max-height:180px;object-fit:cover}
.meta{font-size:11px;color:#5d6575;margin:2px 4px 0}
.error{font-size:12px;color:#b42318;margin:2px 4px 0}
.nb{white-space:nowrap}
.choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.choice{border:1px solid var(--a);background:#fff;color:var(--a);border-radius:16px;padding:6px 12px;text-align:left}
.choice:hover:not(:disabled){background:var(--a);color:#fff}
.choice.primary{background:var(--a);color:#fff;font-weight:600}
.choice.primary:hover:not(:disabled){filter:brightness(1.1)}
.choice.lang{margin-left:auto;border-color:#d5d9e0;color:#5d6575;font-size:12px;padding:4px 10px}
.choice:disabled{cursor:default;padding:2px 10px;font-size:12px;font-weight:400;border-color:#d5d9e0;background:transparent;color:#7a8190}
.pill{position:absolute;bottom:10px;left:50%;transform:translateX(-50%);border:0;border-radius:16px;padding:6px 14px;background:var(--a);color:#fff;font-size:13px;font-weight:600;white-space:nowrap;box-shadow:0 2px 8px rgba(0,0,0,.25)}
.typing{margin-top:8px;font-size:12px;color:#5d6575;font-style:italic}
form{border-top:1px solid #e1e4ea;background:#fff;padding:8px}
.preview{display:flex;align-items:center;gap:8px;margin-bottom:8px;padding:6px;border:1px solid #e1e4ea;border-radius:10px}
.preview img,.thumb{width:56px;height:56px;object-fit:cover;border-radius:6px;flex:none}
.thumb{display:grid;place-items:center;background:#eef0f4;color:#5d6575}
.preview .name{flex:1;min-width:0;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.preview progress{display:block;width:100%;height:6px;margin-top:4px;accent-color:var(--a)}
.row{display:flex;align-items:flex-end;gap:6px}
textarea{flex:1;min-width:0;resize:none;border:1px solid #c9ced8;border-radius:10px;padding:8px 10px;height:40px;max-height:120px;background:#fff;line-height:1.4}
textarea:focus-visible{outline-offset:0}
.icon{border:0;background:transparent;color:#5d6575;width:40px;height:40px;border-radius:10px;display:grid;place-items:center;padding:0;flex:none}
.icon:hover{background:#eef0f4}
.send{background:var(--a);color:#fff}
.send:hover{background:var(--a);filter:brightness(1.1)}
.icon:disabled{opacity:.5;cursor:default}
.drop{position:absolute;inset:0;display:grid;place-items:center;background:rgba(255,255,255,.9);color:var(--a);font-weight:600;pointer-events:none}
@media (max-width:480px){
.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}
.root.open .launcher{display:none}
}
@media (prefers-reduced-motion:no-preference){.panel{animation:rd-in .16s ease-out}}
@keyframes rd-in{from{opacity:0;transform:translateY(8px)}}
`;
}
