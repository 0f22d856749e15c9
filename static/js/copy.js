// "Copy" buttons: <button data-copy-target="ID"> copies the text of the element with that id.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source) return;
  const text = source.value ?? source.textContent;
  const done = () => { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => source.select());
  } else {
    source.select();
    button.textContent = "Selected: press Ctrl+C";
  }
});
