"""AuditRecord rows cannot be changed or deleted, not even by the portal's own
database user: a PostgreSQL trigger refuses every UPDATE and DELETE.

(TRUNCATE, which needs the table owner, is left to maintenance and test
flushes; SQLite development databases get no trigger.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION participants_auditrecord_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS auditrecord_append_only ON participants_auditrecord;
CREATE TRIGGER auditrecord_append_only
    BEFORE UPDATE OR DELETE ON participants_auditrecord
    FOR EACH ROW EXECUTE FUNCTION participants_auditrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS auditrecord_append_only ON participants_auditrecord;
DROP FUNCTION IF EXISTS participants_auditrecord_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("participants", "0005_credential_guard")]
    operations = [migrations.RunPython(forwards, backwards)]
