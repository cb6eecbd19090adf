"""Seed the five tutorials, the Purwokerto desk and ten real questions (FAQ)."""

from django.db import migrations

TUTORIALS = [
    (
        "activation",
        "Cara aktivasi akun",
        "How to activate your account",
        "NIK, nomor KPJ, nama dan tanggal lahir, lalu kode dari email dan kata sandi.",
        "NIK, KPJ number, name and birth date, then the code from your email and a password.",
    ),
    (
        "check-balance",
        "Cara cek saldo JHT",
        "How to check your JHT balance",
        "Masuk dan lihat saldo, iuran per bulan dan hasil pengembangan.",
        "Log in and see your balance, monthly contributions and yield.",
    ),
    (
        "claim-jht",
        "Cara klaim JHT",
        "How to claim JHT",
        "Langkah klaim: jenis klaim, nomor KPJ, rekening bank, swafoto, kirim.",
        "The claim steps: claim type, KPJ number, bank account, selfie, submit.",
    ),
    (
        "good-selfie",
        "Cara swafoto yang baik",
        "How to take a good selfie",
        "Cahaya terang, wajah lurus, tanpa kacamata dan masker, kamera diam.",
        "Good light, face straight, no glasses or mask, camera held still.",
    ),
    (
        "when-blocked",
        "Jika akun terblokir",
        "What to do when blocked",
        "Datang ke kantor cabang dengan KTP; petugas membuka blokir setelah cek identitas.",
        "Visit a branch with your KTP; the desk unblocks you after an identity check.",
    ),
]

FAQ = [
    (
        "Apa itu JHT?",
        "Jaminan Hari Tua (JHT) adalah tabungan hari tua Anda di BPJS Ketenagakerjaan: "
        "5,7% dari upah setiap bulan (2% dari Anda, 3,7% dari pemberi kerja) ditambah "
        "hasil pengembangan setiap tahun.",
        "What is JHT?",
        "Jaminan Hari Tua (JHT) is your old-age savings at BPJS Ketenagakerjaan: 5.7% of "
        "your wage every month (2% from you, 3.7% from your employer) plus a yearly "
        "development yield.",
    ),
    (
        "Kapan saya bisa mencairkan JHT?",
        "Satu bulan setelah berhenti bekerja (mengundurkan diri atau PHK), setelah kontrak "
        "berakhir, saat usia pensiun 56 tahun, cacat total tetap, atau meninggalkan "
        "Indonesia untuk selamanya. Setelah 10 tahun kepesertaan Anda bisa klaim "
        "sebagian (10% atau 30%).",
        "When can I withdraw my JHT?",
        "One month after you stop working (resignation or dismissal), after a contract "
        "ends, at retirement age 56, with permanent total disability, or when leaving "
        "Indonesia for good. After 10 years of membership you can claim part of it "
        "(10% or 30%).",
    ),
    (
        "Apa arti tiga centang hijau?",
        "Sebelum klaim online, tiga syarat harus hijau: kepesertaan sudah tidak aktif "
        "(untuk klaim penuh), data sudah diperbarui (profil dikonfirmasi dan foto wajah "
        "tersimpan), dan saldo tidak lebih dari batas klaim online.",
        "What do the three green ticks mean?",
        "Before an online claim three things must be green: membership no longer active "
        "(for a full claim), data updated (profile confirmed and a face photo on file), "
        "and a balance at or under the online claim limit.",
    ),
    (
        "Berapa batas klaim online?",
        "Rp 15.000.000. Di atas itu Anda mengunggah dokumen dan petugas klaim memeriksa "
        "klaim Anda (paling lama 5 hari kerja setelah berkas lengkap).",
        "What is the online claim limit?",
        "Rp 15,000,000. Above it you upload documents and a claims officer reviews your "
        "claim (within 5 working days after the file is complete).",
    ),
    (
        "Saya lupa nomor KPJ saya. Di mana melihatnya?",
        "Nomor KPJ ada di kartu peserta BPJS Ketenagakerjaan Anda, di slip gaji, atau "
        "tanyakan ke bagian personalia tempat Anda bekerja. Setelah masuk, kartu KPJ "
        "digital ada di halaman Saldo JHT.",
        "I forgot my KPJ number. Where can I find it?",
        "Your KPJ number is on your BPJS Ketenagakerjaan membership card, on your pay "
        "slip, or ask your employer's HR office. After you log in, the digital KPJ card "
        "is on the My JHT page.",
    ),
    (
        "Mengapa swafoto saya gagal?",
        "Penyebab paling sering: cahaya kurang, wajah miring, kacamata atau rambut "
        "menutupi wajah, dan foto buram. Lepaskan kacamata, masker dan topi, hadap ke "
        "cahaya, dan tahan ponsel setinggi mata.",
        "Why did my selfie fail?",
        "The usual causes: poor light, a tilted face, glasses or hair over the face, and "
        "blur. Take off glasses, mask and hat, face the light, and hold the phone at eye "
        "level.",
    ),
    (
        "Akun saya terblokir. Apa yang harus saya lakukan?",
        "Setelah beberapa kali gagal swafoto atau salah nomor KPJ, akun dikunci demi "
        "keamanan. Datang ke kantor cabang dengan KTP asli; petugas memeriksa identitas "
        "Anda dan membuka blokir.",
        "My account is blocked. What should I do?",
        "After several failed selfies or wrong KPJ numbers the account is locked for "
        "your safety. Visit a branch office with your original KTP; the desk checks "
        "your identity and lifts the block.",
    ),
    (
        "Berapa lama uang JHT masuk ke rekening?",
        "Klaim online sampai batas Rp 15.000.000 dengan swafoto berhasil disetujui "
        "otomatis dan dibayar dalam 1 hari kerja. Anda mendapat pemberitahuan di setiap "
        "langkah.",
        "How long until the money reaches my account?",
        "Online claims up to Rp 15,000,000 with a passed selfie are approved "
        "automatically and paid within 1 working day. You are notified at every step.",
    ),
    (
        "Apakah JHT dipotong pajak?",
        "Ya, PPh 21 final: 0% untuk Rp 50.000.000 pertama dan 5% untuk bagian di "
        "atasnya. Halaman klaim menunjukkan jumlah kotor, pajak dan bersih sebelum Anda "
        "mengirim.",
        "Is JHT taxed?",
        "Yes, final income tax (PPh 21): 0% on the first Rp 50,000,000 and 5% on the "
        "part above it. The claim page shows gross, tax and net before you submit.",
    ),
    (
        "Apakah saya perlu surat paklaring?",
        "Tidak. Sejak 2024 surat keterangan kerja (paklaring) tidak lagi diwajibkan "
        "untuk klaim JHT.",
        "Do I need a paklaring (employer reference letter)?",
        "No. Since 2024 the employer reference letter (paklaring) is no longer required "
        "for a JHT claim.",
    ),
]


def seed(apps, schema_editor):
    Tutorial = apps.get_model("tutorials", "Tutorial")
    Branch = apps.get_model("tutorials", "Branch")
    Faq = apps.get_model("tutorials", "Faq")
    for position, (slug, title_id, title_en, summary_id, summary_en) in enumerate(
        TUTORIALS
    ):
        Tutorial.objects.update_or_create(
            slug=slug,
            defaults=dict(
                position=position,
                title_id=title_id,
                title_en=title_en,
                summary_id=summary_id,
                summary_en=summary_en,
            ),
        )
    if not Branch.objects.exists():
        Branch.objects.create(
            name="BPJS Ketenagakerjaan Kantor Cabang Purwokerto",
            address="Jl. Jenderal Sudirman, Purwokerto, Banyumas, Jawa Tengah",
            hours_id="Senin–Jumat 08.00–15.00 WIB (bawa KTP asli)",
            hours_en="Monday–Friday 08:00–15:00 WIB (bring your original KTP)",
            phone="175",
        )
    if not Faq.objects.exists():
        for position, (q_id, a_id, q_en, a_en) in enumerate(FAQ):
            Faq.objects.create(
                position=position,
                question_id=q_id,
                answer_id=a_id,
                question_en=q_en,
                answer_en=a_en,
            )


class Migration(migrations.Migration):
    dependencies = [("tutorials", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
