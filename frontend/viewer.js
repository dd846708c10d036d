// The read-only diagram viewer used by case pages and by the rendered pictures in docs/.
// Built by `make assets` (esbuild) into webapp/static/dist/viewer.js; exposes window.AftercareViewer.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

const MARKERS = { done: "ac-done", current: "ac-current" };

/**
 * Show `xml` in `container`; `done` and `current` list element ids to mark, `marks` maps
 * element ids to a kind ("added", "changed") for the version comparison.
 * Resolves to the import warnings and the ids of every element drawn.
 */
async function render(container, xml, { done = [], current = [], marks = {} } = {}) {
  const viewer = new NavigatedViewer({ container });
  const { warnings } = await viewer.importXML(xml);
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
  const drawn = registry.getAll().map((element) => element.businessObject && element.businessObject.id);
  return { viewer, warnings: warnings.map((w) => w.message), drawn: drawn.filter(Boolean) };
}

window.AftercareViewer = { render };
