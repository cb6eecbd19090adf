from django.db import migrations

ITEMS = [
    (
        "no-glasses",
        "Lepas kacamata",
        "Take off your glasses",
        "Kacamata memantulkan cahaya dan menutupi mata. Lepas sebelum memotret.",
        "Glasses reflect light and hide your eyes. Take them off before the photo.",
    ),
    (
        "no-lenses",
        "Tanpa lensa kontak atau softlens",
        "No contact lenses or softlens",
        "Softlens berwarna mengubah mata Anda. Lepas dulu jika memakainya.",
        "Coloured contact lenses change your eyes. Remove them if you wear them.",
    ),
    (
        "no-hat",
        "Tanpa topi atau masker",
        "No hat or mask",
        "Wajah harus terlihat utuh dari dahi sampai dagu.",
        "Your whole face must show, from forehead to chin.",
    ),
    (
        "light",
        "Hadap ke cahaya",
        "Face the light",
        "Hadapkan wajah ke jendela atau lampu. Jangan membelakangi cahaya.",
        "Face a window or a lamp. Do not stand with the light behind you.",
    ),
    (
        "still",
        "Tahan diam",
        "Hold still",
        "Pegang ponsel setinggi mata dengan dua tangan dan jangan bergerak.",
        "Hold the phone at eye level with both hands and keep still.",
    ),
    (
        "frame",
        "Wajah di dalam bingkai",
        "Face inside the frame",
        "Letakkan seluruh wajah di dalam garis oval, hanya Anda di foto.",
        "Put your whole face inside the oval, with nobody else in the photo.",
    ),
]


def seed(apps, schema_editor):
    GuidanceItem = apps.get_model("biometrics", "GuidanceItem")
    for order, (icon, title_id, title_en, text_id, text_en) in enumerate(ITEMS):
        GuidanceItem.objects.get_or_create(
            icon=icon,
            defaults={
                "order": order,
                "title_id": title_id,
                "title_en": title_en,
                "text_id": text_id,
                "text_en": text_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("biometrics", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
