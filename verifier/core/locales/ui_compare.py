"""Messages of the app's "So sánh / Compare" tab (verifier/ui/compare_tab.py)."""

MESSAGES = {
    "app.tab.compare": {"vi": "So sánh", "en": "Compare"},
    "app.compare.help": {
        "vi": "So sánh tệp đáng ngờ với một mẫu CHẮC CHẮN là của người thật (tin nhắn thoại cũ, video gia đình, ảnh chân dung). Bước 1: chọn mẫu thật ở ô bên trái. Bước 2: chọn tệp cần kiểm tra ở ô bên phải. Bước 3: bấm “So sánh”. Giọng hoặc mặt KHÁC là dấu hiệu lừa đảo rõ ràng; giống nhau thì KHÔNG chứng minh được gì, vì giọng và mặt giả được làm ra để giống.",
        "en": "Compare the suspicious file with a sample that CERTAINLY came from the real person (an old voice message, a family video, a portrait photo). Step 1: choose the genuine sample on the left. Step 2: choose the questioned file on the right. Step 3: press “Compare”. A DIFFERENT voice or face is strong evidence of a scam; a match proves nothing, because cloned voices and swapped faces are made to match.",
    },
    "app.compare.known": {"vi": "Mẫu thật của người đó (chắc chắn)", "en": "Genuine sample of the person (certain)"},
    "app.compare.questioned": {"vi": "Tệp cần kiểm tra (cuộc gọi, tin nhắn thoại đáng ngờ)", "en": "Questioned file (the suspicious call or voice message)"},
    "app.compare.button": {"vi": "So sánh", "en": "Compare"},
    "app.compare.empty": {
        "vi": "Chưa có kết quả. Hãy chọn hai tệp rồi bấm “So sánh”.",
        "en": "No result yet. Choose both files, then press “Compare”.",
    },
    "app.compare.need_both": {
        "vi": "Cần cả hai tệp: mẫu thật và tệp cần kiểm tra.",
        "en": "Both files are needed: the genuine sample and the questioned file.",
    },
    "app.compare.weak_match": {
        "vi": "Lưu ý: “khác người” là bằng chứng mạnh; “giống” chỉ là bằng chứng yếu (giọng nhân bản và mặt ghép được làm để giống người thật).",
        "en": "Note: “different person” is strong evidence; “match” is weak evidence (voice clones and face swaps are made to match the real person).",
    },
    "app.compare.elapsed": {"vi": "Thời gian so sánh: {s} giây.", "en": "Comparison took {s} s."},
    "app.compare.plot.title": {"vi": "Độ giống so với các cặp đã đo", "en": "Similarity against the measured pairs"},
    "app.compare.plot.voice": {
        "vi": "Giọng nói: điểm xanh = hai tệp này; các dải = cặp cùng người / khác người đã đo",
        "en": "Voice: blue marker = these two files; bands = measured same-person / different-person pairs",
    },
    "app.compare.plot.face": {
        "vi": "Khuôn mặt: điểm xanh = hai tệp này; các dải = cặp cùng người / khác người đã đo",
        "en": "Face: blue marker = these two files; bands = measured same-person / different-person pairs",
    },
    "app.compare.plot.same": {"vi": "cùng người", "en": "same person"},
    "app.compare.plot.different": {"vi": "khác người", "en": "different people"},
    "app.compare.plot.not_compared": {"vi": "không so sánh được", "en": "not compared"},
    "app.compare.plot.axis": {"vi": "Độ giống (0 = khác hẳn, 1 = y hệt)", "en": "Similarity (0 = unlike, 1 = identical)"},
}
