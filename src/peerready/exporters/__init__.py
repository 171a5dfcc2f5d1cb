"""Writing the rubric for other survey platforms: a REDCap data dictionary, a FHIR Questionnaire.

Each exporter's field names, codes and link ids are the same ones the matching importer reads
back, so a survey run on the platform imports with no hand-made map.
"""
