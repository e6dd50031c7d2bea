// Registers the service worker (sw.js) and keeps the offline badge up to date:
// data-state = unsupported | installing | ready | offline | error.

const TEXT = {
  unsupported: ['Online only', 'Service workers are unavailable here (they need https or localhost)'],
  installing: ['Saving for offline…', 'Caching the page, the package, ONNX Runtime and the models'],
  ready: ['Works offline', 'Everything this page needs is cached: it reloads and predicts without a network'],
  offline: ['Offline', 'No network: running from the cache'],
  error: ['Offline unavailable', 'The service worker could not cache the page'],
};

function ask(worker) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('no answer from the service worker')), 10000);
    channel.port1.onmessage = ({ data }) => {
      clearTimeout(timer);
      resolve(data);
    };
    worker.postMessage({ type: 'status' }, [channel.port2]);
  });
}

/** Starts the service worker and drives `badge` (an element with a text child). */
export function setUpOffline(badge) {
  let state = 'installing';
  let cachedAll = false;
  const set = (next, detail) => {
    state = next;
    const shown = !navigator.onLine && (cachedAll || next === 'ready') ? 'offline' : next;
    badge.dataset.state = shown;
    badge.querySelector('.badge-text').textContent = TEXT[shown][0];
    badge.title = detail ?? TEXT[shown][1];
  };
  addEventListener('online', () => set(state));
  addEventListener('offline', () => set(state));

  if (!('serviceWorker' in navigator) || !isSecureContext) {
    set('unsupported');
    return;
  }
  set('installing');
  const check = async (attempt = 0) => {
    try {
      const registration = await navigator.serviceWorker.ready;
      const status = await ask(registration.active);
      if (status.missing.length === 0) {
        cachedAll = true;
        set('ready', `${TEXT.ready[1]} (${status.cached} files)`);
        return;
      }
      set('installing', `${status.cached} of ${status.total} files cached`);
    } catch (error) {
      if (attempt > 5) return set('error', `${TEXT.error[1]}: ${error.message}`);
    }
    setTimeout(() => check(attempt + 1), navigator.onLine ? 1000 : 5000);
  };
  navigator.serviceWorker.register('sw.js').then(() => check(), (error) => set('error', `${TEXT.error[1]}: ${error.message}`));
}
