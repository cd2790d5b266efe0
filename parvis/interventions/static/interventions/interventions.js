// « Imprimer le planning »: the browser's print dialog (the print stylesheet keeps the plan only).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
}
