// The customer's signature, drawn with a finger on the phone (signature_pad from npm).
// Every ".signature-pad" holds a canvas and the hidden input the form sends: after each stroke
// the input holds the drawing as a PNG data URL; "Clear" empties both. A drawing sent back with
// a form that had mistakes elsewhere is drawn again from the input, so nothing is lost.
import SignaturePad from "signature_pad";

function setUp(box) {
  const canvas = box.querySelector("canvas");
  const input = box.querySelector("input[type=hidden]");
  const pad = new SignaturePad(canvas, { penColor: "rgb(20, 30, 80)" });

  function fit() {
    // The canvas is as wide as the screen allows, at the screen's pixel density.
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (input.value) {
      pad.fromDataURL(input.value, { width: canvas.offsetWidth, height: canvas.offsetHeight });
    }
  }

  pad.addEventListener("endStroke", () => {
    input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    box.dataset.signed = input.value ? "true" : "false";
  });
  box.querySelector(".signature-clear").addEventListener("click", () => {
    pad.clear();
    input.value = "";
    box.dataset.signed = "false";
  });
  window.addEventListener("resize", fit);
  fit();
  box.dataset.ready = "true";
}

document.querySelectorAll(".signature-pad").forEach(setUp);
