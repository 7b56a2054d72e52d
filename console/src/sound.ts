/**
 * A short two-note chime made with the Web Audio API (no sound file to fetch).
 * Browsers keep an AudioContext silent until the page had a click or a key
 * press (https://developer.chrome.com/blog/autoplay/#web-audio): unlockSound()
 * is called on the agent's first one.
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  try {
    context = new AudioContext();
  } catch (err) {
    console.error('no sound: the AudioContext failed', err);
  }
  return context;
}

export function unlockSound(): void {
  const ctx = audio();
  if (ctx?.state === 'suspended') ctx.resume().catch((err: unknown) => console.error('resuming the sound failed', err));
}

export function chime(): void {
  const ctx = audio();
  if (!ctx) return;
  unlockSound();
  const start = ctx.currentTime;
  [880, 1320].forEach((frequency, i) => {
    const at = start + i * 0.14;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.26);
  });
}
