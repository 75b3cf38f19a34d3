// Names people read for the model's codes (categories, traits, statuses), and formats.

export const CATEGORIES = [
  ["MEDICAL_CONDITION", "Condition", "cond"],
  ["MEDICATION", "Medication", "med"],
  ["TEST_TREATMENT_PROCEDURE", "Test / treatment", "ttp"],
  ["ANATOMY", "Anatomy", "anat"],
  ["TIME_EXPRESSION", "Time", "time"],
  ["BEHAVIORAL_ENVIRONMENTAL_SOCIAL", "Behavioural / social", "social"],
  ["PROTECTED_HEALTH_INFORMATION", "PHI", "phi"],
];

const CATEGORY_BY_CODE = new Map(CATEGORIES.map(([code, label, css]) => [code, { label, css }]));

export function categoryLabel(code) {
  return CATEGORY_BY_CODE.get(code)?.label || code;
}

/** The CSS class suffix of a category (colours in css/document.css). */
export function categoryClass(code) {
  return `cat-${CATEGORY_BY_CODE.get(code)?.css || "other"}`;
}

export const ENTITY_TYPES = {
  MEDICAL_CONDITION: ["DX_NAME"],
  MEDICATION: ["GENERIC_NAME", "BRAND_NAME"],
  TEST_TREATMENT_PROCEDURE: ["TEST_NAME", "TREATMENT_NAME", "PROCEDURE_NAME"],
  ANATOMY: ["SYSTEM_ORGAN_SITE", "DIRECTION"],
  TIME_EXPRESSION: [
    "TIME_TO_MEDICATION_NAME",
    "TIME_TO_DX_NAME",
    "TIME_TO_TEST_NAME",
    "TIME_TO_PROCEDURE_NAME",
    "TIME_TO_TREATMENT_NAME",
  ],
  BEHAVIORAL_ENVIRONMENTAL_SOCIAL: ["ALCOHOL_CONSUMPTION", "TOBACCO_USE", "ALLERGIES"],
  PROTECTED_HEALTH_INFORMATION: [
    "NAME",
    "DATE",
    "AGE",
    "ADDRESS",
    "PHONE_OR_FAX",
    "ID",
    "EMAIL",
    "URL",
    "PROFESSION",
  ],
};

/** Traits that change what an entity means: shown with a word and a line style, never
 * by colour alone. */
export const MEANING_TRAITS = {
  NEGATION: { label: "negated", css: "is-negated" },
  HYPOTHETICAL: { label: "hypothetical", css: "is-hypothetical" },
  PERTAINS_TO_FAMILY: { label: "family history", css: "is-family" },
};

const TRAIT_LABELS = {
  DIAGNOSIS: "diagnosis",
  SIGN: "sign",
  SYMPTOM: "symptom",
  PAST_HISTORY: "past history",
  FUTURE: "future",
  LOW_CONFIDENCE: "low confidence",
};

export function traitLabel(name) {
  return MEANING_TRAITS[name]?.label || TRAIT_LABELS[name] || name.toLowerCase().replace(/_/g, " ");
}

export function meaningTraits(entity) {
  return (entity.traits || []).map((t) => t.name).filter((name) => name in MEANING_TRAITS);
}

/** The kinds of document (Summary.document_type), in the order lists offer them. */
export const DOCUMENT_TYPES = [
  ["INTAKE_FORM", "Intake form"],
  ["PRESCRIPTION", "Prescription"],
  ["LAB_REPORT", "Lab report"],
  ["VISIT_NOTE", "Visit note"],
  ["DISCHARGE_SUMMARY", "Discharge summary"],
  ["INSURANCE_CARD", "Insurance card"],
  ["CONSENT", "Consent / release"],
  ["OTHER", "Other"],
];

const DOCUMENT_TYPE_LABELS = new Map(DOCUMENT_TYPES);

export function documentTypeLabel(type) {
  return DOCUMENT_TYPE_LABELS.get(type) || typeLabel(type);
}

const SELECTION_LABELS = { SELECTED: "ticked", NOT_SELECTED: "not ticked" };

/** A checkbox's state in words ("" for a field that is no checkbox). */
export function selectionLabel(status) {
  return SELECTION_LABELS[status] || "";
}

// What the clinical mapping reads an entity as where it sits (meddoc.structure), and the
// sections it finds (SectionKind).
const READINGS = {
  ALLERGY: "Allergy",
  NO_KNOWN_ALLERGIES: "No known allergies",
  MEDICATION: "Medication taken",
  PRESCRIPTION: "Prescribed",
  LAB_RESULT: "Lab result",
  VITAL_SIGN: "Vital sign",
  SOCIAL_HISTORY: "Social history",
  FAMILY_HISTORY: "Family history",
  CONDITION: "Condition",
  TEST_RESULT: "Test result",
};

export function readingLabel(kind) {
  return READINGS[kind] || typeLabel(kind);
}

const SECTIONS = {
  ISSUER: "Letterhead",
  PATIENT: "Patient",
  REASON: "Reason for visit",
  PROBLEMS: "Problems",
  ALLERGIES: "Allergies",
  MEDICATIONS: "Medications",
  PRESCRIBED: "Prescribed",
  PAST_HISTORY: "Past history",
  FAMILY_HISTORY: "Family history",
  SOCIAL_HISTORY: "Social history",
  VITAL_SIGNS: "Vital signs",
  RESULTS: "Results",
  EXAM: "Examination",
  PLAN: "Plan",
  SIGNATURE: "Signature",
  OTHER: "Other",
};

export function sectionLabel(kind) {
  return SECTIONS[kind] || typeLabel(kind);
}

export const STATUSES = ["QUEUED", "RECEIVED", "PROCESSING", "DONE", "FAILED"];
export const REVIEW_STATUSES = ["UNREVIEWED", "APPROVED", "FLAGGED"];
export const CODE_SYSTEMS = ["ICD-10-CM", "RxNorm", "SNOMED CT"];

const REVIEW_LABELS = { UNREVIEWED: "Unreviewed", APPROVED: "Approved", FLAGGED: "Flagged" };

export function reviewLabel(status) {
  return REVIEW_LABELS[status] || status;
}

export function typeLabel(type) {
  return String(type || "")
    .toLowerCase()
    .replace(/_/g, " ");
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : dateTime.format(moment);
}

export function formatScore(score) {
  return typeof score === "number" ? `${Math.round(score * 100)}%` : "";
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const ACTION_LABELS = {
  APPROVE: "Approved",
  FLAG: "Flagged",
  UNREVIEW: "Marked unreviewed",
  NOTE: "Note",
  CORRECT: "Corrected an entity",
  ADD: "Added an entity",
  REMOVE: "Removed an entity",
  FIELD: "Corrected a field",
  CELL: "Corrected a table cell",
  REVEAL_PHI: "Revealed PHI",
  EXPORT: "Exported",
  EXPORT_PHI: "Exported with PHI",
  REPROCESS: "Reprocessed",
  DELETE: "Deleted",
  REFUSED: "Refused (needs the admin role)",
};

export function actionLabel(action) {
  return ACTION_LABELS[action] || action;
}
