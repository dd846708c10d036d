// The intake step's customer lookup: type a code, a name or the caller's phone number, choose
// a match, and the registration's customer fields are filled in from the customer master.
// Without JavaScript the desk types them; the case is tied to the customer either way.
(() => {
  const box = document.getElementById("customer-lookup");
  if (!box) return;
  const input = document.getElementById("customer-lookup-q");
  const results = document.getElementById("customer-lookup-results");
  const fills = { customer: "name", contact_person: "contact", contact_phone: "phone", contact_email: "email", address: "address" };
  let pending = null;

  function fill(match) {
    for (const [field, key] of Object.entries(fills)) {
      const target = document.querySelector(`[name="${field}"]`);
      if (target && match[key]) target.value = match[key];
    }
    results.replaceChildren();
    input.value = match.name;
  }

  async function search() {
    const q = input.value.trim();
    if (q.length < 2) { results.replaceChildren(); return; }
    try {
      const response = await fetch(`${box.dataset.url}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
      if (!response.ok) return;
      const matches = await response.json();
      results.replaceChildren(...matches.map((match) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link p-0 customer-match";
        button.textContent = [match.code, match.name, match.contact, match.phone].filter(Boolean).join(" · ");
        button.addEventListener("click", () => fill(match));
        item.append(button);
        return item;
      }));
    } catch (error) {
      // Offline: the desk types the details.
    }
  }

  input.addEventListener("input", () => { clearTimeout(pending); pending = setTimeout(search, 250); });
})();
