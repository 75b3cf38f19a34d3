"""Clinical vocabulary in English and Spanish: conditions with real ICD-10-CM codes (the
descriptions are the official ones), medications with their sig, lab tests, visit
scenarios."""

from __future__ import annotations

from dataclasses import dataclass

from samplegen.annotate import Code


@dataclass(frozen=True)
class Term:
    en: str
    es: str

    def of(self, language: str) -> str:
        return self.es if language == "es" else self.en


@dataclass(frozen=True)
class Condition:
    name: Term
    code: Code


def _c(en: str, es: str, code: str, description: str) -> Condition:
    return Condition(Term(en, es), Code(code, description))


HYPERTENSION = _c(
    "hypertension", "hipertensión arterial", "I10", "Essential (primary) hypertension"
)
DIABETES = _c(
    "type 2 diabetes", "diabetes tipo 2", "E11.9", "Type 2 diabetes mellitus without complications"
)
HYPERLIPIDEMIA = _c("hyperlipidemia", "hiperlipidemia", "E78.5", "Hyperlipidemia, unspecified")
HYPOTHYROIDISM = _c("hypothyroidism", "hipotiroidismo", "E03.9", "Hypothyroidism, unspecified")
ASTHMA = _c("asthma", "asma", "J45.909", "Unspecified asthma, uncomplicated")
GERD = _c(
    "GERD", "reflujo gastroesofágico", "K21.9",
    "Gastro-esophageal reflux disease without esophagitis",
)  # fmt: skip
DEPRESSION = _c("depression", "depresión", "F32.A", "Depression, unspecified")
OSTEOARTHRITIS = _c(
    "osteoarthritis", "artrosis", "M19.90", "Unspecified osteoarthritis, unspecified site"
)
HEART_ATTACK = _c("heart attack", "infarto", "I21.9", "Acute myocardial infarction, unspecified")
BREAST_CANCER = _c(
    "breast cancer", "cáncer de mama", "C50.919",
    "Malignant neoplasm of unspecified site of unspecified female breast",
)  # fmt: skip

COUGH = _c("cough", "tos", "R05.9", "Cough, unspecified")
FEVER = _c("fever", "fiebre", "R50.9", "Fever, unspecified")
CHEST_PAIN = _c("chest pain", "dolor torácico", "R07.9", "Chest pain, unspecified")
DYSPNEA = _c("shortness of breath", "falta de aire", "R06.02", "Shortness of breath")
DYSURIA = _c("dysuria", "disuria", "R30.0", "Dysuria")
FREQUENCY = _c("urinary frequency", "polaquiuria", "R35.0", "Frequency of micturition")
NAUSEA = _c("nausea", "náuseas", "R11.0", "Nausea")
HEADACHE = _c("headache", "cefalea", "R51.9", "Headache, unspecified")
BLURRED_VISION = _c("blurred vision", "visión borrosa", "H53.8", "Other visual disturbances")
THIRST = _c("excessive thirst", "polidipsia", "R63.1", "Polydipsia")
POLYURIA = _c("polyuria", "poliuria", "R35.89", "Other polyuria")
SORE_THROAT = _c("sore throat", "dolor de garganta", "R07.0", "Pain in throat")
HEARTBURN = _c("heartburn", "acidez", "R12", "Heartburn")
WHEEZING = _c("wheezing", "sibilancias", "R06.2", "Wheezing")
BACK_PAIN = _c("low back pain", "lumbalgia", "M54.50", "Low back pain, unspecified")
NUMBNESS = _c("numbness", "hormigueo", "R20.2", "Paresthesia of skin")
WEAKNESS = _c("weakness", "debilidad", "R53.1", "Weakness")
MURMUR = _c("murmurs", "soplos", "R01.1", "Cardiac murmur, unspecified")
EDEMA = _c("edema", "edema", "R60.9", "Edema, unspecified")
RASH = _c("rash", "erupción", "R21", "Rash and other nonspecific skin eruption")
ERYTHEMA = _c("erythema", "eritema", "L53.9", "Erythematous condition, unspecified")
TENDERNESS = _c(
    "tenderness", "dolor a la palpación", "R10.819", "Abdominal tenderness, unspecified site"
)
PNEUMONIA = _c("pneumonia", "neumonía", "J18.9", "Pneumonia, unspecified organism")
UTI = _c(
    "urinary tract infection", "infección urinaria", "N39.0",
    "Urinary tract infection, site not specified",
)  # fmt: skip
MIGRAINE = _c(
    "migraine", "migraña", "G43.909",
    "Migraine, unspecified, not intractable, without status migrainosus",
)  # fmt: skip
PHARYNGITIS = _c(
    "acute pharyngitis", "faringitis aguda", "J02.9", "Acute pharyngitis, unspecified"
)
ASTHMA_FLARE = _c(
    "asthma exacerbation", "crisis asmática", "J45.901",
    "Unspecified asthma with (acute) exacerbation",
)  # fmt: skip

CONDITIONS = (
    HYPERTENSION, DIABETES, HYPERLIPIDEMIA, HYPOTHYROIDISM, ASTHMA, GERD, DEPRESSION,
    OSTEOARTHRITIS, HEART_ATTACK, BREAST_CANCER, COUGH, FEVER, CHEST_PAIN, DYSPNEA, DYSURIA,
    FREQUENCY, NAUSEA, HEADACHE, BLURRED_VISION, THIRST, POLYURIA, SORE_THROAT, HEARTBURN,
    WHEEZING, BACK_PAIN, NUMBNESS, WEAKNESS, MURMUR, EDEMA, RASH, ERYTHEMA, TENDERNESS,
    PNEUMONIA, UTI, MIGRAINE, PHARYNGITIS, ASTHMA_FLARE,
)  # fmt: skip


@dataclass(frozen=True)
class Drug:
    """A medication with one typical sig; `dose` is the amount taken each time."""

    name: Term
    strength: str
    form: Term
    dose: Term
    route: Term
    frequency: Term
    duration: Term | None = None
    dispense: int = 30


ORAL = Term("by mouth", "por vía oral")
TABLETS = Term("tablets", "tabletas")
CAPSULES = Term("capsules", "cápsulas")
ONE_TABLET = Term("1 tablet", "1 tableta")
ONE_CAPSULE = Term("1 capsule", "1 cápsula")
ONCE = Term("once daily", "una vez al día")
TWICE = Term("twice daily", "dos veces al día")
THRICE = Term("three times daily", "tres veces al día")

AMOXICILLIN = Drug(
    Term("Amoxicillin", "Amoxicilina"), "500 mg", CAPSULES, ONE_CAPSULE, ORAL, THRICE,
    Term("10 days", "10 días"),
)  # fmt: skip
NITROFURANTOIN = Drug(
    Term("Nitrofurantoin", "Nitrofurantoína"), "100 mg", CAPSULES, ONE_CAPSULE, ORAL, TWICE,
    Term("5 days", "5 días"), 10,
)  # fmt: skip
LISINOPRIL = Drug(Term("Lisinopril", "Lisinopril"), "10 mg", TABLETS, ONE_TABLET, ORAL, ONCE)
METFORMIN = Drug(
    Term("Metformin", "Metformina"), "500 mg", TABLETS, ONE_TABLET, ORAL,
    Term("twice daily with meals", "dos veces al día con las comidas"), None, 60,
)  # fmt: skip
ATORVASTATIN = Drug(
    Term("Atorvastatin", "Atorvastatina"), "20 mg", TABLETS, ONE_TABLET, ORAL,
    Term("once daily at bedtime", "una vez al día antes de dormir"),
)  # fmt: skip
LEVOTHYROXINE = Drug(
    Term("Levothyroxine", "Levotiroxina"), "50 mcg", TABLETS, ONE_TABLET, ORAL,
    Term("once daily before breakfast", "una vez al día en ayunas"),
)  # fmt: skip
ALBUTEROL = Drug(
    Term("Albuterol", "Salbutamol"), "90 mcg", Term("inhaler", "inhalador"),
    Term("2 puffs", "2 inhalaciones"), Term("inhaled", "por vía inhalada"),
    Term("every 4 hours as needed", "cada 4 horas si es necesario"), None, 1,
)  # fmt: skip
OMEPRAZOLE = Drug(
    Term("Omeprazole", "Omeprazol"), "20 mg", CAPSULES, ONE_CAPSULE, ORAL,
    Term("once daily before breakfast", "una vez al día antes del desayuno"),
    Term("8 weeks", "8 semanas"),
)  # fmt: skip
SERTRALINE = Drug(Term("Sertraline", "Sertralina"), "50 mg", TABLETS, ONE_TABLET, ORAL, ONCE)
IBUPROFEN = Drug(
    Term("Ibuprofen", "Ibuprofeno"), "400 mg", TABLETS, ONE_TABLET, ORAL,
    Term("every 8 hours as needed for pain", "cada 8 horas si hay dolor"),
    Term("7 days", "7 días"), 21,
)  # fmt: skip
SUMATRIPTAN = Drug(
    Term("Sumatriptan", "Sumatriptán"), "50 mg", TABLETS, ONE_TABLET, ORAL,
    Term("at onset of migraine", "al inicio de la migraña"), None, 9,
)  # fmt: skip
ACETAMINOPHEN = Drug(
    Term("Acetaminophen", "Paracetamol"), "500 mg", TABLETS, ONE_TABLET, ORAL,
    Term("every 6 hours as needed", "cada 6 horas si es necesario"),
)  # fmt: skip

# Long-term conditions a patient reports on an intake form, with the drug they take.
CHRONIC = (
    (HYPERTENSION, LISINOPRIL),
    (DIABETES, METFORMIN),
    (HYPERLIPIDEMIA, ATORVASTATIN),
    (HYPOTHYROIDISM, LEVOTHYROXINE),
    (ASTHMA, ALBUTEROL),
    (GERD, OMEPRAZOLE),
    (DEPRESSION, SERTRALINE),
    (OSTEOARTHRITIS, ACETAMINOPHEN),
)
FAMILY = (HEART_ATTACK, BREAST_CANCER, DIABETES, HYPERTENSION)
ALLERGENS = (
    Term("Penicillin", "Penicilina"),
    Term("Sulfamethoxazole", "Sulfametoxazol"),
    Term("Codeine", "Codeína"),
)


@dataclass(frozen=True)
class Scenario:
    """One acute visit: what the patient reports and denies, an exam finding, the
    diagnosis, the drug prescribed and the test ordered."""

    symptoms: tuple[Condition, Condition]
    denied: tuple[Condition, Condition]
    site: Term
    finding: Condition
    negated_finding: bool
    diagnosis: Condition
    drug: Drug
    test: Term
    test_kind: str = "TEST_NAME"


SCENARIOS = (
    Scenario(
        (COUGH, FEVER), (CHEST_PAIN, DYSPNEA), Term("Lungs", "Pulmones"), WHEEZING, False,
        PNEUMONIA, AMOXICILLIN, Term("chest X-ray", "radiografía de tórax"),
    ),
    Scenario(
        (DYSURIA, FREQUENCY), (FEVER, NAUSEA), Term("Abdomen", "Abdomen"), TENDERNESS, True,
        UTI, NITROFURANTOIN, Term("urinalysis", "examen general de orina"),
    ),
    Scenario(
        (HEADACHE, BLURRED_VISION), (CHEST_PAIN, WEAKNESS), Term("Heart", "Corazón"), MURMUR,
        True, HYPERTENSION, LISINOPRIL, Term("basic metabolic panel", "química sanguínea"),
    ),
    Scenario(
        (THIRST, POLYURIA), (BLURRED_VISION, NUMBNESS), Term("Legs", "Piernas"), EDEMA, True,
        DIABETES, METFORMIN, Term("hemoglobin A1c", "hemoglobina A1c"),
    ),
    Scenario(
        (SORE_THROAT, FEVER), (COUGH, RASH), Term("Throat", "Garganta"), ERYTHEMA, False,
        PHARYNGITIS, AMOXICILLIN, Term("rapid strep test", "prueba rápida de estreptococo"),
    ),
    Scenario(
        (HEADACHE, NAUSEA), (WEAKNESS, FEVER), Term("Skin", "Piel"), RASH, True,
        MIGRAINE, SUMATRIPTAN, Term("eye exam", "examen de fondo de ojo"),
    ),
    Scenario(
        (HEARTBURN, NAUSEA), (CHEST_PAIN, DYSPNEA), Term("Abdomen", "Abdomen"), TENDERNESS, True,
        GERD, OMEPRAZOLE, Term("upper endoscopy", "endoscopia digestiva alta"), "PROCEDURE_NAME",
    ),
    Scenario(
        (WHEEZING, DYSPNEA), (FEVER, CHEST_PAIN), Term("Lungs", "Pulmones"), WHEEZING, False,
        ASTHMA_FLARE, ALBUTEROL, Term("spirometry", "espirometría"),
    ),
    Scenario(
        (BACK_PAIN, NUMBNESS), (FEVER, DYSURIA), Term("Legs", "Piernas"), WEAKNESS, True,
        OSTEOARTHRITIS, IBUPROFEN, Term("lumbar X-ray", "radiografía lumbar"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class LabTest:
    name: Term
    unit: str
    low: float
    high: float
    decimals: int = 0


CHEMISTRY = (
    LabTest(Term("Glucose", "Glucosa"), "mg/dL", 70, 99),
    LabTest(Term("Hemoglobin A1c", "Hemoglobina A1c"), "%", 4.0, 5.6, 1),
    LabTest(Term("Creatinine", "Creatinina"), "mg/dL", 0.6, 1.2, 2),
    LabTest(Term("Sodium", "Sodio"), "mmol/L", 135, 145),
    LabTest(Term("Potassium", "Potasio"), "mmol/L", 3.5, 5.1, 1),
    LabTest(Term("TSH", "TSH"), "mIU/L", 0.4, 4.0, 2),
    LabTest(Term("ALT", "ALT"), "U/L", 7, 56),
)
GLYCEMIC = CHEMISTRY[:2]
LIPIDS = (
    LabTest(Term("Total cholesterol", "Colesterol total"), "mg/dL", 125, 200),
    LabTest(Term("LDL cholesterol", "Colesterol LDL"), "mg/dL", 50, 100),
    LabTest(Term("HDL cholesterol", "Colesterol HDL"), "mg/dL", 40, 80),
    LabTest(Term("Triglycerides", "Triglicéridos"), "mg/dL", 50, 150),
)
BLOOD_COUNT = (
    LabTest(Term("White blood cells", "Leucocitos"), "K/uL", 4.5, 11.0, 1),
    LabTest(Term("Hemoglobin", "Hemoglobina"), "g/dL", 12.0, 16.0, 1),
    LabTest(Term("Platelets", "Plaquetas"), "K/uL", 150, 400),
)
