// bpmnlint in the browser, with its rules bundled statically (no Node resolver at run time).
// The set is bpmnlint's "recommended" one without rules our own validator already decides
// (no-inclusive-gateway: we run inclusive gateways) or that only flag style (superfluous-label).
import { Linter } from "bpmnlint";
import StaticResolver from "bpmnlint/lib/resolver/static-resolver";
import adHocSubProcess from "bpmnlint/rules/ad-hoc-sub-process";
import conditionalFlows from "bpmnlint/rules/conditional-flows";
import endEventRequired from "bpmnlint/rules/end-event-required";
import eventBasedGateway from "bpmnlint/rules/event-based-gateway";
import eventSubProcessTypedStartEvent from "bpmnlint/rules/event-sub-process-typed-start-event";
import fakeJoin from "bpmnlint/rules/fake-join";
import global from "bpmnlint/rules/global";
import labelRequired from "bpmnlint/rules/label-required";
import linkEvent from "bpmnlint/rules/link-event";
import noBpmndi from "bpmnlint/rules/no-bpmndi";
import noComplexGateway from "bpmnlint/rules/no-complex-gateway";
import noDisconnected from "bpmnlint/rules/no-disconnected";
import noDuplicateSequenceFlows from "bpmnlint/rules/no-duplicate-sequence-flows";
import noGatewayJoinFork from "bpmnlint/rules/no-gateway-join-fork";
import noImplicitSplit from "bpmnlint/rules/no-implicit-split";
import noImplicitEnd from "bpmnlint/rules/no-implicit-end";
import noImplicitStart from "bpmnlint/rules/no-implicit-start";
import noOverlappingElements from "bpmnlint/rules/no-overlapping-elements";
import singleBlankStartEvent from "bpmnlint/rules/single-blank-start-event";
import singleEventDefinition from "bpmnlint/rules/single-event-definition";
import startEventRequired from "bpmnlint/rules/start-event-required";
import subProcessBlankStartEvent from "bpmnlint/rules/sub-process-blank-start-event";
import superfluousGateway from "bpmnlint/rules/superfluous-gateway";
import superfluousTermination from "bpmnlint/rules/superfluous-termination";

const RULES = {
  "rule:bpmnlint/ad-hoc-sub-process": adHocSubProcess,
  "rule:bpmnlint/conditional-flows": conditionalFlows,
  "rule:bpmnlint/end-event-required": endEventRequired,
  "rule:bpmnlint/event-based-gateway": eventBasedGateway,
  "rule:bpmnlint/event-sub-process-typed-start-event": eventSubProcessTypedStartEvent,
  "rule:bpmnlint/fake-join": fakeJoin,
  "rule:bpmnlint/global": global,
  "rule:bpmnlint/label-required": labelRequired,
  "rule:bpmnlint/link-event": linkEvent,
  "rule:bpmnlint/no-bpmndi": noBpmndi,
  "rule:bpmnlint/no-complex-gateway": noComplexGateway,
  "rule:bpmnlint/no-disconnected": noDisconnected,
  "rule:bpmnlint/no-duplicate-sequence-flows": noDuplicateSequenceFlows,
  "rule:bpmnlint/no-gateway-join-fork": noGatewayJoinFork,
  "rule:bpmnlint/no-implicit-split": noImplicitSplit,
  "rule:bpmnlint/no-implicit-end": noImplicitEnd,
  "rule:bpmnlint/no-implicit-start": noImplicitStart,
  "rule:bpmnlint/no-overlapping-elements": noOverlappingElements,
  "rule:bpmnlint/single-blank-start-event": singleBlankStartEvent,
  "rule:bpmnlint/single-event-definition": singleEventDefinition,
  "rule:bpmnlint/start-event-required": startEventRequired,
  "rule:bpmnlint/sub-process-blank-start-event": subProcessBlankStartEvent,
  "rule:bpmnlint/superfluous-gateway": superfluousGateway,
  "rule:bpmnlint/superfluous-termination": superfluousTermination
};

const CONFIG = {
  rules: {
    "ad-hoc-sub-process": "warn",
    "conditional-flows": "warn",
    "end-event-required": "warn",
    "event-based-gateway": "warn",
    "event-sub-process-typed-start-event": "warn",
    "fake-join": "warn",
    "global": "warn",
    "label-required": "warn",
    "link-event": "warn",
    "no-bpmndi": "warn",
    "no-complex-gateway": "warn",
    "no-disconnected": "warn",
    "no-duplicate-sequence-flows": "warn",
    "no-gateway-join-fork": "warn",
    "no-implicit-split": "warn",
    "no-implicit-end": "warn",
    "no-implicit-start": "warn",
    "no-overlapping-elements": "warn",
    "single-blank-start-event": "warn",
    "single-event-definition": "warn",
    "start-event-required": "warn",
    "sub-process-blank-start-event": "warn",
    "superfluous-gateway": "warn",
    "superfluous-termination": "warn"
  },
};

/** Every finding for a moddle definitions root, flattened: { id, message, rule }.
 * A linter per call: some rules keep state between the elements they visit. */
export async function lint(definitions) {
  const linter = new Linter({ config: CONFIG, resolver: new StaticResolver(RULES) });
  const results = await linter.lint(definitions);
  return Object.entries(results).flatMap(([rule, reports]) =>
    reports.map((report) => ({ id: report.id, message: report.message, rule })),
  );
}
