// The read-only diagram viewer used by case pages and by the rendered pictures in docs/.
// Built by `make assets` (esbuild) into webapp/static/dist/viewer.js; exposes window.AftercareViewer.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

const MARKERS = { done: "ac-done", current: "ac-current" };

/**
 * Show `xml` in `container`; `done` and `current` list element ids to mark, `marks` maps
 * element ids to a kind ("added", "changed", "wait-1"…) for the version comparison and the
 * waiting-time map, `notes` maps element ids to a short text shown under the element, `texts`
 * maps names written in the diagram to what the reader sees instead (lanes by role, steps in the
 * reader's language). Resolves to the import warnings and the ids of every element drawn.
 */
async function render(container, xml, { done = [], current = [], marks = {}, notes = {}, texts = {} } = {}) {
  const viewer = new NavigatedViewer({ container });
  const { warnings } = await viewer.importXML(Object.keys(texts).length ? renamed(xml, texts) : xml);
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  canvas.zoom("fit-viewport", "auto");
  for (const [kind, ids] of [["done", done], ["current", current]]) {
    for (const id of ids) {
      if (registry.get(id)) canvas.addMarker(id, MARKERS[kind]);
    }
  }
  for (const [id, kind] of Object.entries(marks)) {
    if (registry.get(id)) canvas.addMarker(id, `ac-${kind}`);
  }
  const overlays = viewer.get("overlays");
  for (const [id, text] of Object.entries(notes)) {
    if (!registry.get(id)) continue;
    const note = document.createElement("div");
    note.className = "ac-note";
    note.textContent = text;
    overlays.add(id, { position: { bottom: -4, left: 0 }, html: note });
  }
  const drawn = registry.getAll().map((element) => element.businessObject && element.businessObject.id);
  return { viewer, warnings: warnings.map((w) => w.message), drawn: drawn.filter(Boolean) };
}

/** The diagram with each `name` attribute found in `texts` replaced; ids and layout untouched. */
function renamed(xml, texts) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  if (doc.querySelector("parsererror")) return xml;
  for (const element of doc.querySelectorAll("[name]")) {
    const shown = texts[element.getAttribute("name")];
    if (shown !== undefined) element.setAttribute("name", shown);
  }
  return new XMLSerializer().serializeToString(doc);
}

window.AftercareViewer = { render };
