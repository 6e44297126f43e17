// Talking to the JSON API, and the outbox that makes sure no change is lost: every change is
// queued in localStorage before it is sent, sent in order with its change_id (so a retry after a
// lost response is applied once) and the layer version it was made against (so a save from a
// stale page gets 409 instead of overwriting someone else's work).

// "manual": a redirect to the sign-in page must not look like a successful answer.
const FETCH = { credentials: "same-origin", redirect: "manual", cache: "no-store" };

export class Api {
  constructor(csrfToken, pageUrl, probeUrl) {
    this.csrfToken = csrfToken;
    this.pageUrl = pageUrl;
    this.probeUrl = probeUrl; // a GET that needs a session and answers 401 (not a redirect)
  }

  /** Send a request; resolves to {status, data} for any HTTP answer, rejects on network failure. */
  async request(method, url, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = this.csrfToken;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, { ...FETCH, method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.type === "opaqueredirect") return { status: 401, data: { error: "signed_out" } };
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      data = await response.json().catch(() => null);
    }
    return { status: response.status, data };
  }

  /** After signing in again elsewhere the old CSRF token is void: read a fresh one from the page. */
  async refreshToken() {
    try {
      // Ask the API first: a signed-out request for the page would be redirected and given a
      // new session cookie, which can spoil a sign-in under way in another tab.
      if (this.probeUrl) {
        const probe = await fetch(this.probeUrl, FETCH);
        if (probe.status !== 200) return false;
      }
      const response = await fetch(this.pageUrl, FETCH);
      if (!response.ok) return false;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const token = JSON.parse(doc.getElementById("page-data")?.textContent || "{}").csrf_token;
      if (token) this.csrfToken = token;
      return Boolean(token);
    } catch {
      return false;
    }
  }
}

export const isSignedOut = ({ status, data }) =>
  status === 401 || (status === 400 && /csrf/i.test(`${data?.error} ${data?.message}`));

const BACKOFF_SECONDS = [1, 2, 4, 8, 15];

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function newTabId() {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The save queue of one layer. Status callbacks get {state, pending, message, retryIn, others};
 * state is "saved", "saving", "offline", "server_error", "signed_out", "rebasing" (a 409 being
 * compared with the saved version), "conflict", "blocked" or "taken".
 *
 * Each tab keeps its queue under its own localStorage key (the tab id lives in sessionStorage,
 * so it survives a reload), marked "closed" when the page goes away. On load a tab takes back
 * its own queue and those of closed tabs; queues of tabs still open are theirs, unless the user
 * takes them over (a crashed tab never says it closed).
 */
export class Outbox {
  constructor({ api, layerId, url, base, onStatus, onSaved, onRejected, onConflict }) {
    Object.assign(this, { api, url, base, onStatus, onSaved, onRejected, onConflict });
    this.prefix = `annotator:outbox:${layerId}:`;
    this.tabId = sessionStorage.getItem("annotator:tab") || newTabId();
    this.batches = [];
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.stopped = null; // "rebasing", "conflict", "blocked" or "taken": sending waits
  }

  get key() {
    return this.prefix + this.tabId;
  }

  /** Take back this tab's queue and closed tabs' queues; returns how many changes came back. */
  restore() {
    const mine = read(this.key);
    if (mine && !mine.closed) this.tabId = newTabId(); // a duplicated tab shares our id
    sessionStorage.setItem("annotator:tab", this.tabId);
    const found = this.queues().filter(([, queue]) => queue.closed);
    if (mine?.closed && mine.batches?.length) found.unshift([this.key, mine]);
    this.take(found);
    return this.batches.length;
  }

  /** Take over the queues that tabs still open (or crashed) left: the user chose to. */
  adopt() {
    this.take(this.queues());
    this.stopped = this.stopped === "taken" ? null : this.stopped;
    return this.batches.length;
  }

  /** Queues of this layer in localStorage other than ours: [key, queue] pairs. */
  queues() {
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(this.prefix) && key !== this.key) {
        const queue = read(key);
        if (queue?.batches?.length) found.push([key, queue]);
      }
    }
    return found;
  }

  take(found) {
    for (const [, queue] of found) {
      if (!this.batches.length) this.base = queue.base;
      this.batches.push(...queue.batches);
    }
    // Write ours before removing theirs: a crash in between duplicates, never loses.
    this.save();
    for (const [key] of found) if (key !== this.key) localStorage.removeItem(key);
  }

  /** How many unsaved changes other open tabs hold for this layer. */
  othersPending() {
    return this.queues().reduce((n, [, q]) => n + q.batches.length, 0);
  }

  save(closed = false) {
    if (this.stopped === "taken") return;
    try {
      if (this.batches.length) {
        const record = { owner: this.tabId, closed, base: this.base, batches: this.batches };
        localStorage.setItem(this.key, JSON.stringify(record));
      } else {
        localStorage.removeItem(this.key);
      }
      this.storageError = null;
    } catch {
      this.storageError = "Unsaved changes cannot be kept on this computer (storage is full or disabled).";
    }
  }

  /** Another tab removed our queue: it took the changes over, so this tab must not send them. */
  noticeStorage(event) {
    if (event.key === this.key && event.newValue === null && this.batches.length) {
      this.stopped = "taken";
      this.batches = [];
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.emit();
  }

  get pending() {
    return this.batches.length;
  }

  /** Queue one user action (a list of operations) and send it. */
  push(changes) {
    const id = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    this.batches.push({ change_id: `c-${id}`, changes });
    this.save();
    this.emit();
    this.flush();
  }

  /** Send queued changes in order, one request at a time, until the queue is empty or stuck. */
  async flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = true;
    this.emit();
    try {
      while (this.batches.length && !this.stopped) {
        const batch = this.batches[0];
        let answer;
        try {
          answer = await this.api.request("POST", this.url, { ...batch, base_version: this.base });
        } catch {
          this.retryLater("offline");
          return;
        }
        if (this.stopped === "taken") return;
        if (answer.status === 200 && typeof answer.data?.version === "number") {
          this.batches.shift();
          this.base = answer.data.version;
          this.failures = 0;
          this.failState = null;
          this.save();
          this.onSaved?.(batch, this.base);
        } else if (isSignedOut(answer)) {
          this.signedOut = true;
          this.retryLater("signed_out");
          return;
        } else if (answer.status === 409) {
          // The page rebases changes that touch other items than the saved version changed
          // (it calls resume(), and sending goes on from here); a true conflict waits for the
          // coder, and only then does the status say so.
          this.stopped = "rebasing";
          this.message = "comparing them with the version saved elsewhere…";
          this.emit();
          try {
            await this.onConflict?.(answer.data?.current, answer.data?.message);
          } finally {
            if (this.stopped === "rebasing") this.stopped = "conflict";
          }
        } else if ([400, 413, 422].includes(answer.status)) {
          // The server will never take this change: drop it, say why, and go on with the rest.
          this.batches.shift();
          this.save();
          this.onRejected?.(batch, answer.data?.message || `The server refused a change (${answer.status}).`);
        } else if (answer.status === 403 || answer.status === 404) {
          this.stopped = "blocked";
          this.message = answer.data?.message || "You may not change this layer.";
        } else {
          this.message = `the server could not save them (${answer.status})`;
          this.retryLater("server_error");
          return;
        }
      }
    } finally {
      this.running = false;
      this.emit();
    }
  }

  /** Keep the queue and try again later, waiting longer after each failure. */
  retryLater(state) {
    const wait = BACKOFF_SECONDS[Math.min(this.failures, BACKOFF_SECONDS.length - 1)];
    this.failures += 1;
    this.failState = state;
    this.retryAt = Date.now() + wait * 1000;
    this.timer = setTimeout(() => this.retryNow(), wait * 1000);
    this.emit();
  }

  /** Retry at once (button, back online, tab focused); refresh the CSRF token after sign-in. */
  async retryNow() {
    if (this.running || this.stopped || !this.batches.length) return;
    if (this.signedOut) {
      // Signing in again gives a new session, which voids the page's CSRF token.
      await this.api.refreshToken();
      this.signedOut = false;
    }
    this.flush();
  }

  /** After a conflict: continue on top of the server's version `base` with the queue as it is. */
  resume(base) {
    this.base = base;
    this.stopped = null;
    this.failures = 0;
    this.save();
    this.flush();
  }

  /** After a conflict: drop every queued change and continue from the server's version `base`. */
  discard(base) {
    this.batches = [];
    this.resume(base);
  }

  emit() {
    let state = "saving";
    if (this.stopped) state = this.stopped;
    else if (!this.batches.length) state = "saved";
    else if (this.failState) state = this.failState;
    this.onStatus?.({
      state, pending: this.batches.length, message: this.message, storageError: this.storageError,
      others: this.othersPending(),
      retryIn: this.timer ? Math.max(0, Math.round((this.retryAt - Date.now()) / 1000)) : null,
    });
  }
}
