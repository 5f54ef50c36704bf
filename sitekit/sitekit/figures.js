// Click (or Enter) on an inline figure: show it enlarged in a modal <dialog>; a click or Escape closes it.
document.addEventListener("click", (event) => {
  const figure = event.target.closest(".gg-figure");
  if (!figure) return;
  let dialog = document.getElementById("gg-lightbox");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "gg-lightbox";
    dialog.className = "gg-lightbox";
    dialog.addEventListener("click", () => dialog.close());
    document.body.append(dialog);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "\u00d7";
  close.setAttribute("aria-label", figure.dataset.close);
  dialog.setAttribute("aria-label", figure.getAttribute("aria-label"));
  dialog.replaceChildren(close, figure.querySelector("svg").cloneNode(true));
  dialog.showModal();
  dialog.scrollTo(0, 0); // focusing the close button may have scrolled the figure sideways
});
