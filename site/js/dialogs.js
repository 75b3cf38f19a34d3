// Modal dialogs: the confirmation before destructive actions, and the shortcut help.

/** Ask before doing something that cannot be undone; resolves true when confirmed. */
export function confirmAction({ title, text, confirmLabel = "Confirm" }) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = confirmLabel;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  });
}

export function showHelp() {
  const dialog = document.getElementById("help-dialog");
  if (!dialog.open) dialog.showModal();
}

export function anyDialogOpen() {
  return document.querySelector("dialog[open]") !== null;
}
