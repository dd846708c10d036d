// Draw each process diagram of a case page with bpmn-js, marking completed and open elements.
document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll(".diagram-canvas")) {
    const xml = JSON.parse(canvas.dataset.xml);
    const marks = {
      done: JSON.parse(canvas.dataset.done || "[]"),
      current: JSON.parse(canvas.dataset.active || "[]"),
      marks: JSON.parse(canvas.dataset.marks || "{}"),
      notes: JSON.parse(canvas.dataset.notes || "{}"),
    };
    window.AftercareViewer.render(canvas, xml, marks)
      .then(() => canvas.setAttribute("data-rendered", "true"))
      .catch((error) => {
        canvas.textContent = String(error);
        canvas.setAttribute("data-rendered", "error");
      });
  }
});
