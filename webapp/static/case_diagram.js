// Draw each process diagram of a case page with bpmn-js, marking completed and open elements,
// with zoom and fit buttons (their labels come from the page, in the reader's language).
function controls(canvas, viewer) {
  const bar = document.createElement("div");
  bar.className = "diagram-zoom btn-group btn-group-sm";
  bar.setAttribute("role", "group");
  const view = viewer.get("canvas");
  const actions = [
    ["zoomIn", "+", () => view.zoom(view.zoom() * 1.25)],
    ["zoomOut", "−", () => view.zoom(view.zoom() / 1.25)],
    ["fit", "⤢", () => view.zoom("fit-viewport", "auto")],
  ];
  for (const [name, sign, act] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-light border";
    button.textContent = sign;
    button.dataset.zoom = name;
    button.setAttribute("aria-label", canvas.dataset[name] || name);
    button.title = canvas.dataset[name] || name;
    button.addEventListener("click", act);
    bar.append(button);
  }
  canvas.before(bar);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll(".diagram-canvas")) {
    const xml = JSON.parse(canvas.dataset.xml);
    const marks = {
      done: JSON.parse(canvas.dataset.done || "[]"),
      current: JSON.parse(canvas.dataset.active || "[]"),
      marks: JSON.parse(canvas.dataset.marks || "{}"),
      notes: JSON.parse(canvas.dataset.notes || "{}"),
      texts: JSON.parse(canvas.dataset.texts || "{}"),
    };
    window.AftercareViewer.render(canvas, xml, marks)
      .then(({ viewer }) => {
        if (canvas.dataset.zoomIn) controls(canvas, viewer);
        canvas.setAttribute("data-rendered", "true");
      })
      .catch((error) => {
        canvas.textContent = String(error);
        canvas.setAttribute("data-rendered", "error");
      });
  }
});
