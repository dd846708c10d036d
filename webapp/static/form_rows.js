// Rows fields (engine/domain/form_rows.py): "Add a row" copies the last row with empty cells
// and the next number in each input's name (<field>-<n>-<column>), up to the field's max_rows;
// a computed column shows its product as a placeholder while the row is typed.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button.add-row") : null;
  if (!button) return;
  const fieldset = button.closest("fieldset.rows");
  const body = fieldset && fieldset.querySelector("tbody");
  const last = body && body.querySelector("tr.row-entry:last-of-type");
  if (!last) return;
  const count = body.querySelectorAll("tr.row-entry").length;
  if (count >= Number(fieldset.dataset.maxRows || 50)) return;
  const row = last.cloneNode(true);
  row.querySelector(".row-number").textContent = String(count + 1);
  for (const input of row.querySelectorAll("input, select")) {
    input.name = input.name.replace(/-\d+-(\w+)$/, `-${count}-$1`);
    input.value = "";
    input.classList.remove("is-invalid");
    input.removeAttribute("aria-invalid");
  }
  for (const message of row.querySelectorAll("p.error")) message.remove();
  body.appendChild(row);
  row.querySelector("input, select")?.focus();
});

document.addEventListener("input", (event) => {
  const row = event.target instanceof Element ? event.target.closest("tr.row-entry") : null;
  if (!row) return;
  for (const computed of row.querySelectorAll("input[data-product-of]")) {
    const factors = computed.dataset.productOf.split(" ").map((column) => {
      const cell = row.querySelector(`input[name$="-${column}"]`);
      return cell && cell.value.trim() !== "" ? Number(cell.value) : NaN;
    });
    const product = factors.reduce((total, value) => total * value, 1);
    computed.placeholder = Number.isFinite(product) ? `= ${Math.round(product * 100) / 100}` : computed.placeholder;
  }
});
