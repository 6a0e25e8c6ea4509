"""Friendly views for data users, created with every build."""

VIEWS = [
    """CREATE VIEW standards_cited AS
       SELECT s.*, d.title, d.date AS document_date, d.issuer, u.text AS unit_text
       FROM standards s JOIN documents d USING (doc_id)
       LEFT JOIN units u ON u.doc_id = s.doc_id AND u.unit_id = s.unit_id""",
    """CREATE VIEW articles AS
       SELECT d.title, u.doc_id, u.unit_id, u.number AS article_no, p.number AS chapter_no,
              p.heading AS chapter_heading, u.text
       FROM units u JOIN documents d USING (doc_id)
       LEFT JOIN units p ON p.doc_id = u.doc_id AND p.unit_id = u.parent_id AND p.kind = 'chapter'
       WHERE u.kind = 'article'""",
    """CREATE VIEW units_simplified AS
       SELECT u.doc_id, u.unit_id, u.kind, u.number,
              substr(d.text_simplified, u.norm_start + 1, u.norm_end - u.norm_start) AS text_simplified
       FROM units u JOIN documents d USING (doc_id)""",
]
