"""The project's sample paperwork the issue found wrong (01, 12, 07, 08), rebuilt at test
time from their text, with the medical entities an engine produced for them, the wrong
ones included (an allergen as a MEDICATION, "Tobacco use" as the family's, analytes as
medications, a lab value paired with the wrong test, a name cut short)."""

from __future__ import annotations

from meddoc.model import Category
from tests.structure.paperwork import Mention, Paperwork, Sheet, drug, icd, phi

CONDITION, TEST = Category.MEDICAL_CONDITION, Category.TEST_TREATMENT_PROCEDURE

INTAKE_EN = [
    "Lakeside Community Health",
    "9554 Placeholder Avenue, Anytown, OR 00342",
    "Tel. (702) 555-0113",
    "PATIENT INTAKE FORM",
    "Patient information",
    "Patient name: Dolores Fictive",
    "Date of birth: 09/15/1970",
    "Sex: F",
    "Address: 6289 Placeholder Avenue, Springfield, ZZ 00019",
    "Phone: (686) 555-0156",
    "Emergency contact: Gideon Fictive (970) 555-0132",
    "Health history",
    "Current medications: Lisinopril 10 mg once daily; Levothyroxine 50 mcg",
    "once daily before breakfast",
    "Past medical history: hypertension and hypothyroidism",
    "Allergies: Sulfamethoxazole",
    "Family history: sister - breast cancer",
    "Tobacco use: never",
    "Patient signature: Dolores Fictive",
    "SAMPLE - fictitious patient",
]


def intake_en() -> Paperwork:
    """01-intake-en-printed-scan."""
    sheet = Sheet(INTAKE_EN, letterhead=3, title=3, headings=(4, 11), continued=(13,))
    return Paperwork(
        [sheet],
        [
            drug("Lisinopril", "29046"),
            drug("Levothyroxine", "10582"),
            Mention(
                "hypertension",
                CONDITION,
                "DX_NAME",
                ("PAST_HISTORY",),
                (icd("I10", "Hypertension"),),
            ),
            Mention(
                "hypothyroidism",
                CONDITION,
                "DX_NAME",
                ("PAST_HISTORY",),
                (icd("E03.9", "Hypothyroidism"),),
            ),
            # The engine's mistakes: the allergen as a drug taken, the patient's own
            # smoking history as the family's.
            drug("Sulfamethoxazole", "10180"),
            Mention(
                "breast cancer",
                CONDITION,
                "DX_NAME",
                ("PERTAINS_TO_FAMILY",),
                (icd("C50.919", "Breast cancer"),),
            ),
            Mention(
                "Tobacco use",
                CONDITION,
                "DX_NAME",
                ("PERTAINS_TO_FAMILY",),
                (icd("Z72.0", "Tobacco use"),),
            ),
            phi("Dolores Fictive", "NAME"),
            phi("09/15/1970", "DATE"),
            phi("6289 Placeholder Avenue, Springfield, ZZ 00019", "ADDRESS"),
            phi("(686) 555-0156", "PHONE_OR_FAX"),
            phi("Gideon Fictive", "NAME"),
            phi("(970) 555-0132", "PHONE_OR_FAX"),
            # Comprehend Medical tags a clinic's address and phone as PHI too.
            phi("9554 Placeholder Avenue, Anytown, OR 00342", "ADDRESS"),
            phi("(702) 555-0113", "PHONE_OR_FAX"),
        ],
    )


INTAKE_ES = [
    "Clínica San Ejemplo",
    "Paseo de la Muestra 472, San Ficticio, CA 00480",
    "Tel. (650) 555-0128",
    "FORMULARIO DE INGRESO DEL PACIENTE",
    "Datos del paciente",
    "Nombre del paciente: Araceli Pruebas",
    "Sexo: F",
    "Historia clínica",
    "Medicamentos actuales: Metformina 500 mg dos veces al día",
    "Antecedentes médicos: diabetes tipo 2",
    "Alergias: Penicilina",
    "Antecedentes familiares: hermana - infarto",
    "Consumo de tabaco: nunca",
    "MUESTRA - paciente ficticio",
]
INTAKE_ES_ENGLISH = {
    "Medicamentos actuales: Metformina 500 mg dos veces al día": (
        "Current medications: Metformin 500 mg twice a day"
    ),
    "Antecedentes médicos: diabetes tipo 2": "Medical history: type 2 diabetes",
    "Alergias: Penicilina": "Allergies: Penicillin",
    "Antecedentes familiares: hermana - infarto": "Family history: sister - heart attack",
    "Consumo de tabaco: nunca": "Tobacco use: never",
}


def intake_es() -> Paperwork:
    """12-intake-es-printed-skewed: Comprehend Medical reads the English translation."""
    sheet = Sheet(INTAKE_ES, letterhead=3, title=3, headings=(4, 7))
    return Paperwork(
        [sheet],
        [
            drug("Metformin", "6809"),
            drug("Penicillin", "7980"),
            Mention("type 2 diabetes", CONDITION, "DX_NAME", (), (icd("E11.9", "Diabetes"),)),
            Mention(
                "heart attack",
                CONDITION,
                "DX_NAME",
                ("PERTAINS_TO_FAMILY",),
                (icd("I21.9", "Myocardial infarction"),),
            ),
            Mention(
                "Tobacco use",
                CONDITION,
                "DX_NAME",
                ("PERTAINS_TO_FAMILY",),
                (icd("Z72.0", "Tobacco use"),),
            ),
            phi("Araceli Pruebas", "NAME"),
        ],
        language="es",
        translation=INTAKE_ES_ENGLISH,
    )


# 07-lab-report-en-printed-2pages: each row as printed (test, result, units, reference,
# flag), page by page, with the panels' headings.
LAB_HEADER = ["Test", "Result", "Units", "Reference", "Flag"]
LAB_PAGE_1 = [
    ["Chemistry"],
    ["Glucose", "115", "mg/dL", "70-99", "H"],
    ["Hemoglobin A1c", "6.4", "%", "4.0-5.6", "H"],
    ["Creatinine", "0.75", "mg/dL", "0.60-1.20", ""],
    ["Sodium", "142", "mmol/L", "135-145", ""],
    ["Potassium", "4.8", "mmol/L", "3.5-5.1", ""],
    ["TSH", "3.27", "mIU/L", "0.40-4.00", ""],
    ["ALT", "50", "U/L", "7-56", ""],
    ["Lipid panel"],
    ["Total cholesterol", "164", "mg/dL", "125-200", ""],
    ["LDL cholesterol", "32", "mg/dL", "50-100", "L"],
    ["HDL cholesterol", "54", "mg/dL", "40-80", ""],
    ["Triglycerides", "104", "mg/dL", "50-150", ""],
]
LAB_PAGE_2 = [
    ["Complete blood count"],
    ["White blood cells", "3.9", "K/uL", "4.5-11.0", "L"],
    ["Hemoglobin", "17.2", "g/dL", "12.0-16.0", "H"],
    ["Platelets", "260", "K/uL", "150-400", ""],
]
LAB_TOP = [
    "Northfield Reference Laboratory",
    "6773 Fiction Road, Anytown, OR 00836",
    "Tel. (743) 555-0144",
    "LABORATORY REPORT",
    "Patient: Gideon Testwell",
    "Date of birth: 08/20/1985",
    "Sex: M",
    "MRN: 947267",
    "Ordering physician: Marigold Testwell",
]


def _rows_as_lines(rows: list[list[str]]) -> list[str]:
    return [" ".join(cell for cell in row if cell) for row in rows]


def lab_en(tables: bool, skew: float = 0.0) -> Paperwork:
    """With tables, each page's table is read column by column (every test name, then
    every result...), the reading order that paired ALT with glucose's value; the table
    cells (or, read as text only, the lines' places) keep each row together. Without,
    the lines are the printed rows."""
    footer_1, footer_2 = (
        "SAMPLE - fictitious patient, page 1 of 2",
        "SAMPLE - fictitious patient, page 2 of 2",
    )
    top_2 = ["Patient: Gideon Testwell", "MRN: 947267"]
    tail_2 = [
        "Comment: Results consistent with type 2 diabetes.",
        "Reviewed by: Barnaby Testwell",
        footer_2,
    ]
    if tables:
        first = Sheet(
            [*LAB_TOP, footer_1],
            3,
            3,
            table=(LAB_HEADER, LAB_PAGE_1),
            table_at=len(LAB_TOP) - 1,
            skew=skew,
        )
        second = Sheet([*top_2, *tail_2], table=(LAB_HEADER, LAB_PAGE_2), table_at=1, skew=skew)
    else:
        header = " ".join(LAB_HEADER)
        first = Sheet([*LAB_TOP, header, *_rows_as_lines(LAB_PAGE_1), footer_1], 3, 3)
        second = Sheet([*top_2, header, *_rows_as_lines(LAB_PAGE_2), *tail_2])
    tests = [row[0] for row in LAB_PAGE_1 + LAB_PAGE_2 if len(row) > 1]
    mentions = [Mention(t, Category.TEST_TREATMENT_PROCEDURE, "TEST_NAME") for t in tests]
    for mention in mentions:
        if mention.text in ("Potassium", "LDL cholesterol"):
            # Analytes an engine tags as drugs.
            mention.category, mention.type = Category.MEDICATION, "GENERIC_NAME"
            mention.concepts = (drug(mention.text, "8588").concepts[0],)
        if mention.text == "Hemoglobin":
            mention.occurrence = 1  # not the one in "Hemoglobin A1c"
    # The engine's pairing by reading order: ALT given glucose's value.
    alt = next(m for m in mentions if m.text == "ALT")
    alt.values = (("TEST_VALUE", "115", 0), ("TEST_UNIT", "mg/dL", 0))
    return Paperwork(
        [first, second],
        [
            *mentions,
            Mention(
                "type 2 diabetes", CONDITION, "DX_NAME", (), (icd("E11.9", "Type 2 diabetes"),)
            ),
            phi("Gideon", "NAME"),  # OCR merged the words: the engine saw a first name
            phi("08/20/1985", "DATE"),
            phi("947267", "ID"),
            phi("6773 Fiction Road, Anytown, OR 00836", "ADDRESS"),
            phi("(743) 555-0144", "PHONE_OR_FAX"),
            phi("Marigold Testwell", "NAME"),
        ],
    )


LAB_ES = [
    "Laboratorio Diagnóstico Muestra",
    "Avenida Ejemplo 4583, San Ficticio, CA 00218",
    "INFORME DE LABORATORIO",
    "Paciente: Fermín Irreal",
    "Sexo: M",
    "Prueba Resultado Unidades Referencia Indicador",
    "Química clínica",
    "Glucosa 106 mg/dL 70-99 A",
    "Creatinina 1.04 mg/dL 0.60-1.20",
    "Potasio 4.6 mmol/L 3.5-5.1",
]
LAB_ES_ENGLISH = {
    "Glucosa 106 mg/dL 70-99 A": "Glucose 106 mg/dL 70-99 A",
    "Creatinina 1.04 mg/dL 0.60-1.20": "Creatinine 1.04 mg/dL 0.60-1.20",
    "Potasio 4.6 mmol/L 3.5-5.1": "Potassium 4.6 mmol/L 3.5-5.1",
}


def lab_es() -> Paperwork:
    """08-lab-report-es-printed-rot90, text only: the analytes read as drugs in English."""
    return Paperwork(
        [Sheet(LAB_ES, 2, 2)],
        [drug("Glucose", "4850"), drug("Creatinine", "3032"), drug("Potassium", "8588")],
        language="es",
        translation=LAB_ES_ENGLISH,
    )
