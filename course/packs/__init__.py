"""Trainers' packs: what a trainer takes into a room without screens for one day or one module of a cohort.

The pack is assembled once as a plain document (``document``: headings, paragraphs, lists, tables), in the
cohort's language, from the live content, and written out twice: as an A4 PDF to print (``pdf``) and as a DOCX
for trainers who adapt it (``docx``). Keeping the two renderers on one document means the printed pack and the
editable one never say different things.
"""
