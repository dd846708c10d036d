// The studio's modeler: bpmn-js with the Camunda 7 properties panel, dmn-js for decision
// tables, bpmnlint in the browser. Built by `make assets` into webapp/static/dist/modeler.js;
// exposes window.AftercareModeler. The server stays the judge of what deploys: its problems
// are errors, bpmnlint's are modelling advice (warnings).
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnModdle } from "bpmn-moddle";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";
import DmnModeler from "dmn-js/lib/Modeler";
import camundaDmnModdle from "camunda-dmn-moddle/resources/camunda.json";
import { lint } from "./lint.js";

const DIAGRAM = ".bpmn";

/** The line of the element `id` in `xml` (1-based), or null: problems point at lines. */
export function lineOf(xml, id) {
  if (!id) return null;
  const at = xml.indexOf(`id="${id}"`);
  return at < 0 ? null : xml.slice(0, at).split("\n").length;
}

class Workspace {
  constructor(root, { files, key, revision, urls, csrf, text }) {
    this.root = root;
    this.files = { ...files };
    this.key = key;
    this.revision = revision;
    this.urls = urls;
    this.csrf = csrf;
    this.text = text;
    this.current = null;
    this.dirty = false;
    this.serverProblems = [];
    this.lintProblems = [];
    this.importWarnings = [];
    this.el = (name) => root.querySelector(`[data-part="${name}"]`);
    this.bpmn = new BpmnModeler({
      container: this.el("canvas"),
      propertiesPanel: { parent: this.el("properties") },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        CamundaPlatformPropertiesProviderModule,
        CamundaBehaviorsModule,
      ],
      moddleExtensions: { camunda: camundaModdle },
    });
    this.dmn = new DmnModeler({
      container: this.el("dmn"),
      common: { keyboard: { bindTo: window } },
      moddleExtensions: { camunda: camundaDmnModdle },
    });
    this.bpmn.on("commandStack.changed", () => this.changed());
    this.dmn.on("views.changed", () => {
      const viewer = this.dmn.getActiveViewer();
      if (viewer && !viewer.__watched) {
        viewer.__watched = true;
        viewer.on("commandStack.changed", () => this.changed());
      }
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.dirty) event.preventDefault();
    });
  }

  changed() {
    this.dirty = true;
    this.status(this.text.unsaved);
  }

  status(message, kind = "") {
    const node = this.el("status");
    node.textContent = message;
    node.dataset.kind = kind;
  }

  names() {
    return Object.keys(this.files).sort((a, b) => (a.endsWith(DIAGRAM) === b.endsWith(DIAGRAM) ? a.localeCompare(b) : a.endsWith(DIAGRAM) ? -1 : 1));
  }

  renderTabs() {
    const tabs = this.el("tabs");
    tabs.replaceChildren();
    for (const name of this.names()) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tab" + (name === this.current ? " active" : "");
      tab.dataset.file = name;
      tab.textContent = name;
      tab.addEventListener("click", () => this.show(name));
      tabs.append(tab);
    }
  }

  /** Keep what the editor shows in `files` (before switching, checking, saving, deploying). */
  async capture() {
    if (!this.current || this.unreadable) return; // a file that failed to import keeps its text
    const editor = this.current.endsWith(DIAGRAM) ? this.bpmn : this.dmn;
    try {
      const { xml } = await editor.saveXML({ format: true });
      this.files[this.current] = xml;
    } catch (error) {
      // bpmn-js cannot write some foreign models back; the file keeps its last text
      console.warn(`${this.current}: ${error.message}`);
    }
  }

  async show(name) {
    if (name !== this.current) await this.capture();
    this.current = name;
    const isBpmn = name.endsWith(DIAGRAM);
    this.root.dataset.kind = isBpmn ? "bpmn" : "dmn";
    this.renderTabs();
    this.unreadable = false;
    try {
      const { warnings } = await (isBpmn ? this.bpmn : this.dmn).importXML(this.files[name]);
      this.importWarnings = warnings.map((w) => ({
        file: name, line: null, element: w.element && w.element.id, severity: "warning",
        message: `${this.text.importWarning}: ${w.message}`, source: "import",
      }));
      if (isBpmn) this.bpmn.get("canvas").zoom("fit-viewport", "auto");
      else this.openDecisionTable();
      this.root.dataset.shown = name;
    } catch (error) {
      this.unreadable = true;
      this.importWarnings = [{ file: name, line: null, element: null, severity: "error", message: `${this.text.importFailed}: ${error.message}`, source: "import" }];
      this.root.dataset.shown = `${name}:failed`;
    }
    this.renderProblems();
  }

  openDecisionTable(id) {
    const views = this.dmn.getViews();
    const view = views.find((v) => (id ? v.element.id === id : v.type === "decisionTable")) || views[0];
    if (view && view !== this.dmn.getActiveView()) return this.dmn.open(view);
    return null;
  }

  async check() {
    await this.capture();
    this.status(this.text.checking);
    const [server, advice] = await Promise.all([this.post(this.urls.check, { files: this.files }), this.lintAll()]);
    this.lintProblems = advice;
    if (server.ok) {
      this.serverProblems = server.body.problems.map((p) => ({ ...p, source: "aftercare" }));
      const errors = this.serverProblems.filter((p) => p.severity === "error").length;
      this.status(errors ? this.text.hasErrors.replace("{count}", errors) : this.text.noErrors, errors ? "error" : "ok");
    } else {
      this.status(server.body.error || this.text.failed, "error");
    }
    this.renderProblems();
    return server.ok && server.body.executable;
  }

  async lintAll() {
    const found = [];
    for (const name of this.names().filter((n) => n.endsWith(DIAGRAM))) {
      const xml = this.files[name];
      try {
        const { rootElement } = await new BpmnModdle({ camunda: camundaModdle }).fromXML(xml);
        for (const report of await lint(rootElement)) {
          found.push({ file: name, line: lineOf(xml, report.id), element: report.id, severity: "warning", message: `${report.message} (${report.rule})`, source: "bpmnlint" });
        }
      } catch (error) {
        // unreadable XML is reported by the server with its line
      }
    }
    return found;
  }

  async save() {
    await this.capture();
    const reply = await this.post(this.urls.draft, { files: this.files, revision: this.revision });
    if (reply.ok) {
      this.revision = reply.body.revision;
      this.dirty = false;
      this.status(this.text.saved, "ok");
    } else {
      this.status(reply.body.error || this.text.failed, "error");
    }
    return reply.ok;
  }

  /** Deploy the set for this process; new versions of any other (a process calling this one) only once confirmed. */
  async deploy() {
    await this.capture();
    this.status(this.text.deploying);
    const checked = await this.post(this.urls.check, { files: this.files });
    const others = checked.ok ? checked.body.plan.filter((planned) => !planned.requested) : [];
    if (others.length) return this.askToConfirm(others);
    return this.send([]);
  }

  askToConfirm(others) {
    const box = this.el("confirm");
    this.el("confirm-list").textContent = others.map((p) => `${p.name} (${p.key}) v${p.version}`).join(this.text.separator);
    box.hidden = false;
    this.status(this.text.confirmOthers, "warning");
    return new Promise((resolve) => {
      const answer = (yes) => {
        box.hidden = true;
        this.el("confirm-yes").onclick = this.el("confirm-no").onclick = null;
        if (yes) resolve(this.send(others.map((p) => p.key)));
        else {
          this.status(this.text.notDeployed);
          resolve(false);
        }
      };
      this.el("confirm-yes").onclick = () => answer(true);
      this.el("confirm-no").onclick = () => answer(false);
      this.el("confirm-yes").focus();
    });
  }

  async send(confirm) {
    this.status(this.text.deploying);
    const reply = await this.post(this.urls.deploy, { files: this.files, confirm });
    const result = this.el("result");
    result.replaceChildren();
    if (reply.status === 201) {
      this.dirty = false;
      this.revision = 0;
      this.serverProblems = [];
      for (const item of reply.body.deployed) {
        const line = document.createElement("li");
        line.dataset.key = item.key;
        line.dataset.version = item.version;
        line.textContent = (item.created ? this.text.deployed : this.text.unchanged).replace("{key}", item.key).replace("{version}", item.version);
        result.append(line);
      }
      this.status(this.text.deployDone, "ok");
    } else {
      this.serverProblems = (reply.body.problems || []).map((p) => ({ ...p, source: "aftercare" }));
      this.status(reply.body.error || this.text.failed, "error");
    }
    this.renderProblems();
    return reply.status === 201;
  }

  async post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let parsed = {};
    try { parsed = await response.json(); } catch (error) { parsed = { error: `${response.status} ${response.statusText}` }; }
    return { ok: response.ok, status: response.status, body: parsed };
  }

  renderProblems() {
    const problems = [...this.importWarnings, ...this.serverProblems, ...this.lintProblems];
    const body = this.el("problems");
    body.replaceChildren();
    this.el("problem-count").textContent = String(problems.length);
    for (const problem of problems) {
      const row = document.createElement("tr");
      row.className = `severity-${problem.severity}`;
      row.dataset.element = problem.element || "";
      row.dataset.file = problem.file || "";
      row.dataset.source = problem.source;
      for (const value of [this.text[problem.severity] || problem.severity, problem.file || "", problem.line || "", problem.element || "", problem.message]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      }
      if (problem.element) {
        row.tabIndex = 0;
        row.addEventListener("click", () => this.select(problem.file, problem.element));
        row.addEventListener("keydown", (event) => { if (event.key === "Enter") this.select(problem.file, problem.element); });
      }
      body.append(row);
    }
  }

  /** Show the problem's element: switch to its file, select it and scroll it into view. */
  async select(file, id) {
    if (file && file !== this.current && this.files[file] !== undefined) await this.show(file);
    if (this.current.endsWith(DIAGRAM)) {
      const element = this.bpmn.get("elementRegistry").get(id);
      if (!element) return;
      this.bpmn.get("selection").select(element);
      this.bpmn.get("canvas").scrollToElement(element);
    } else {
      await this.openDecisionTable(id);
    }
  }

  async addFiles(fileList) {
    let first = null;
    for (const file of fileList) {
      if (!/\.(bpmn|dmn)$/.test(file.name)) continue;
      if (first === null && this.current) await this.capture();
      this.files[file.name] = await file.text();
      first = first || file.name;
    }
    if (first) {
      this.current = null;
      this.changed();
      await this.show(first);
    }
  }

  async download() {
    await this.capture();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([this.files[this.current]], { type: "application/xml" }));
    link.download = this.current;
    link.click();
    URL.revokeObjectURL(link.href);
  }
}

async function open(root) {
  const options = JSON.parse(root.dataset.options);
  const workspace = new Workspace(root, options);
  const on = (part, handler) => workspace.el(part).addEventListener("click", handler);
  on("check", () => workspace.check());
  on("save", () => workspace.save());
  on("deploy", () => workspace.deploy());
  on("download", () => workspace.download());
  workspace.el("open").addEventListener("change", (event) => workspace.addFiles(event.target.files));
  const main = workspace.names().find((name) => name === `${options.key}${DIAGRAM}`) || workspace.names()[0];
  await workspace.show(main);
  root.dataset.ready = "true";
  window.aftercareWorkspace = workspace;
  return workspace;
}

window.AftercareModeler = { open, lineOf };
document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-modeler]");
  if (root) open(root);
});
