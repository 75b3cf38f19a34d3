"""Offline medical NLP: Comprehend-Medical-style entities, traits, attributes and
ICD-10-CM codes from registry-shipped vocabularies and curated lists."""
