// Buttons marked data-print open the browser's print dialog (inline scripts are barred by the CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
