"""Messages of the tamper lab (issue 10): each tamper type's name and what the verifier can and
cannot see of it (measured on the real dev clips: docs/tamper_lab.md)."""

MESSAGES = {
    "tamper.cli.done": {
        "vi": "Đã tạo bản giả mạo «{kind}»: {out} ({seconds} giây).",
        "en": "Made the «{kind}» tampered copy: {out} ({seconds} s).",
    },
    "tamper.cli.failed": {
        "vi": "Không tạo được bản giả mạo từ {name}: {detail}",
        "en": "Could not make a tampered copy of {name}: {detail}",
    },
    "tamper.shift.name": {"vi": "Lệch tiếng và hình", "en": "Audio shifted against the picture"},
    "tamper.shift.explain": {
        "vi": "Tiếng bị dời so với miệng. Phần kiểm tra khớp môi đo được độ lệch này, nhưng trên clip thật ngắn, độ tin cậy thấp nên mức rủi ro chung thường KHÔNG tăng: hãy tự nhìn miệng và nghe tiếng.",
        "en": "The sound is moved against the mouth. The lip-sync check measures the offset, but on short real clips its confidence is low, so the overall level usually does NOT rise: watch the mouth and listen yourself.",
    },
    "tamper.voice.name": {"vi": "Thay giọng bằng bản ghi khác", "en": "Voice replaced by another recording"},
    "tamper.voice.explain": {
        "vi": "Giọng được thay bằng một bản ghi thật của người khác. Bộ phát hiện giọng tổng hợp KHÔNG bắt được (giọng vẫn là giọng người thật); chỉ có phần khớp môi, khi có hình, mới có thể thấy miệng không theo lời.",
        "en": "The voice is replaced by a real recording of someone else. The synthetic-voice detector does NOT catch it (it is still a human voice); only lip-sync, when there is a picture, can see the mouth not following the words.",
    },
    "tamper.vocoder.name": {"vi": "Giọng tổng hợp lại (vocoder)", "en": "Voice re-synthesised (vocoder)"},
    "tamper.vocoder.explain": {
        "vi": "Giọng được tổng hợp lại từ phổ (Griffin-Lim), giữ lời và âm sắc. Trên dữ liệu thử, bộ phát hiện giọng KHÔNG bắt được kiểu tổng hợp lại này (không bản nào lên mức cao): tai người thường nghe được tiếng rè, méo hơn bộ phát hiện.",
        "en": "The voice is rebuilt from its spectrum (Griffin-Lim), keeping the words and timbre. On our test data the voice detector does NOT catch this re-synthesis (none rated high): a human ear often hears its buzzy, phasey sound better than the detector.",
    },
    "tamper.espeak.name": {"vi": "Giọng máy đọc (espeak-ng)", "en": "Voice replaced by text-to-speech (espeak-ng)"},
    "tamper.espeak.explain": {
        "vi": "Giọng được thay bằng giọng máy espeak-ng đọc một câu tiếng Việt. Giọng máy kiểu cũ này bị bộ phát hiện giọng nhận ra (gần như mọi bản lên mức cao); giọng nhân bản hiện đại khó hơn nhiều.",
        "en": "The voice is replaced by espeak-ng reading a Vietnamese sentence. The voice detector recognises such an old-style machine voice (nearly every copy rated high); modern voice clones are much harder.",
    },
    "tamper.noblink.name": {"vi": "Xoá cái chớp mắt", "en": "Blinks removed"},
    "tamper.noblink.explain": {
        "vi": "Vùng mắt được giữ cố định từ một khung hình mở mắt. Phần kiểm tra chớp mắt chỉ coi đây là dấu hiệu mạnh trên clip đủ dài (khoảng 30 giây trở lên); trên clip 10 giây, không chớp mắt vẫn có thể là bình thường nên mức rủi ro thường KHÔNG tăng.",
        "en": "The eye region is frozen from an open-eye frame. The blink check counts this as strong evidence only on long enough clips (about 30 s or more); in a 10 s clip, no blink can still be normal, so the level usually does NOT rise.",
    },
    "tamper.swap.name": {"vi": "Ghép mặt thô", "en": "Crude face swap"},
    "tamper.swap.explain": {
        "vi": "Khuôn mặt được thay bằng ảnh mặt khác, căn theo các điểm mốc và hoà trộn (giữ miệng thật). Bản ghép thô này làm mắt đứng yên, nhưng trên clip 10 giây phần chớp mắt chưa đủ tin cậy nên mức rủi ro KHÔNG tăng; các phần kiểm tra hiện có không nhìn đường nối hay màu da: hãy tự nhìn viền mặt, màu da và mắt.",
        "en": "The face is replaced by another face photo, aligned on the landmarks and blended (the real mouth is kept). This crude swap freezes the eyes, but on a 10 s clip the blink check is not reliable enough and the level does NOT rise; the current checks do not look at the seam or the skin colour: look at the face's edge, skin and eyes yourself.",
    },
    "tamper.photo.name": {"vi": "Ảnh tĩnh biết nói", "en": "Talking photo"},
    "tamper.photo.explain": {
        "vi": "Một ảnh tĩnh chỉ có miệng cử động theo độ to của tiếng: không chớp mắt, đầu không động. Miệng mở theo tiếng nên phần khớp môi thấy «khớp»; không chớp mắt trong 10 giây chưa đủ làm mức rủi ro tăng. Phần mềm KHÔNG bắt được: hãy để ý đầu và mắt đứng yên.",
        "en": "A still photo whose mouth alone moves with the loudness: no blink, no head motion. The mouth opens with the sound, so lip-sync finds it «in sync»; no blink in 10 s is not enough to raise the level. The software does NOT catch it: watch for a head and eyes that never move.",
    },
    "tamper.messenger.name": {"vi": "Nén như ứng dụng nhắn tin", "en": "Messenger degradation"},
    "tamper.messenger.explain": {
        "vi": "Hình giảm còn 480 dòng, nén mạnh, tiếng AAC 32 kbit/s, như khi clip được chuyển tiếp qua Zalo hoặc Messenger. Đây không phải giả mạo: mức rủi ro KHÔNG nên tăng; nén mạnh làm mọi phần kiểm tra kém tin cậy hơn.",
        "en": "The picture is cut to 480 lines and heavily compressed, the sound to AAC 32 kbit/s, as when a clip is forwarded through Zalo or Messenger. This is not a fake: the level should NOT rise; heavy compression makes every check less reliable.",
    },
    "tamper.sbs.title": {"vi": "Bản gốc và bản giả mạo", "en": "Original and tampered copy"},
    "tamper.sbs.original": {"vi": "Bản gốc", "en": "Original"},
    "tamper.sbs.tampered": {"vi": "Bản giả mạo", "en": "Tampered copy"},
    "tamper.sbs.col.signal": {"vi": "Phần kiểm tra", "en": "Check"},
    "tamper.sbs.col.change": {"vi": "Thay đổi", "en": "Change"},
    "tamper.sbs.rose": {"vi": "tăng (đáng ngờ hơn)", "en": "rose (more suspicious)"},
    "tamper.sbs.fell": {"vi": "giảm", "en": "fell"},
    "tamper.sbs.same": {"vi": "gần như không đổi", "en": "about the same"},
    "tamper.sbs.not_measured": {"vi": "không đo được ở một trong hai bản", "en": "not measured in one of the two"},
    "tamper.cli.side_by_side": {"vi": "Trang so sánh: {out}", "en": "Comparison page: {out}"},
}
