// Words for the save status. The status line is an aria-live region, so each text says what
// happened to the coder's work and what, if anything, they need to do.

export const changes = (n) => `${n} change${n === 1 ? "" : "s"}`;

/** The status line for an outbox status: {text, retry (show "Retry now"), signin (show link)}. */
export function describeStatus({ state, pending, message, storageError, others }) {
  const unsaved = `${changes(pending)} not saved`;
  let text;
  switch (state) {
    case "saved": text = "All changes saved"; break;
    case "saving": text = `Saving ${changes(pending)}…`; break;
    case "offline":
      text = `${unsaved}: cannot reach the server. They are kept on this computer and retried automatically.`;
      break;
    case "server_error":
      text = `${unsaved}: ${message}. They are kept on this computer and retried automatically.`;
      break;
    case "signed_out":
      text = pending
        ? `Signed out — sign in again in another tab. ${unsaved}; they are kept on this computer and sent once you are back.`
        : "Signed out — sign in again, then reload this page.";
      break;
    case "conflict": text = `${unsaved}: this document was changed elsewhere. Choose below how to go on.`; break;
    case "taken": text = "Your unsaved changes were taken over by another tab; continue there."; break;
    default: text = pending ? `${unsaved}: ${message || "saving is blocked."}` : message || "";
  }
  if (others) text += ` Another tab has ${changes(others)} not saved for this document.`;
  if (storageError) text += ` ${storageError}`;
  const retry = ["offline", "server_error", "signed_out"].includes(state);
  return { text, retry, signin: state === "signed_out" };
}
