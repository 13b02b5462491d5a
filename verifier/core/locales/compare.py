"""Messages of ``verifier compare`` (verifier/analysis/identity/compare.py)."""

MESSAGES = {
    "compare.verdict.different": {
        "vi": "KHÁC NGƯỜI: rất có thể. Giọng nói hoặc khuôn mặt trong tệp cần kiểm tra khác hẳn mẫu thật của người này. Nhiều khả năng đây là kẻ giả mạo.",
        "en": "DIFFERENT PERSON: very likely. The voice or the face in the questioned file clearly differs from the genuine sample of this person. This is most likely an impostor.",
    },
    "compare.verdict.match_not_proof": {
        "vi": "Giọng nói và khuôn mặt GIỐNG mẫu thật, nhưng điều này KHÔNG chứng minh đó là người thật: giọng và mặt giả (deepfake) được làm ra để giống y như vậy.",
        "en": "Same voice and face as the genuine sample, but this does NOT prove it is them: voice clones and face swaps are made to match.",
    },
    "compare.verdict.match_not_proof_voice_only": {
        "vi": "Giọng nói GIỐNG mẫu thật (chỉ so sánh được giọng nói, không có khuôn mặt để so), nhưng điều này KHÔNG chứng minh đó là người thật: giọng giả (nhân bản giọng) được làm ra để giống y như vậy.",
        "en": "Same voice as the genuine sample (only the voice could be compared, there was no face to compare), but this does NOT prove it is them: voice clones are made to match.",
    },
    "compare.verdict.match_not_proof_face_only": {
        "vi": "Khuôn mặt GIỐNG mẫu thật (chỉ so sánh được khuôn mặt, không có giọng nói để so), nhưng điều này KHÔNG chứng minh đó là người thật: mặt giả (deepfake) được làm ra để giống y như vậy.",
        "en": "Same face as the genuine sample (only the face could be compared, there was no voice to compare), but this does NOT prove it is them: face swaps are made to match.",
    },
    "compare.verdict.unclear": {
        "vi": "CHƯA RÕ: độ giống nằm giữa hai ngưỡng, không kết luận được là cùng người hay khác người.",
        "en": "UNCLEAR: the similarity lies between the two thresholds; it cannot say whether this is the same person or not.",
    },
    "compare.verdict.not_comparable": {
        "vi": "KHÔNG SO SÁNH ĐƯỢC: hai tệp không cùng có giọng nói (đủ dài) hoặc khuôn mặt nhìn thẳng.",
        "en": "NOT COMPARABLE: the two files do not both hold (enough) speech or a frontal face.",
    },
    "compare.voice_line": {
        "vi": "Giọng nói: độ giống {sim} (dưới {lo} = khác người; từ {hi} = giống): {decision}.",
        "en": "Voice: similarity {sim} (below {lo} = different person; from {hi} = match): {decision}.",
    },
    "compare.face_line": {
        "vi": "Khuôn mặt: độ giống {sim} (dưới {lo} = khác người; từ {hi} = giống): {decision}.",
        "en": "Face: similarity {sim} (below {lo} = different person; from {hi} = match): {decision}.",
    },
    "compare.voice_na": {"vi": "Giọng nói: không so sánh ({why}).", "en": "Voice: not compared ({why})."},
    "compare.face_na": {"vi": "Khuôn mặt: không so sánh ({why}).", "en": "Face: not compared ({why})."},
    "compare.decision.different": {"vi": "khác người", "en": "different person"},
    "compare.decision.match": {"vi": "giống", "en": "match"},
    "compare.decision.unclear": {"vi": "chưa rõ", "en": "unclear"},
    "compare.decision.n/a": {"vi": "không có", "en": "n/a"},
    "compare.voice_too_short": {"vi": "dưới 1,6 giây tiếng nói", "en": "under 1.6 s of speech"},
    "compare.no_sound": {"vi": "tệp không có âm thanh", "en": "the file has no sound"},
    "compare.no_picture": {"vi": "tệp không có hình", "en": "the file has no picture"},
    "compare.no_face": {"vi": "không thấy khuôn mặt nhìn thẳng đủ rõ", "en": "no clear frontal face found"},
    "compare.file_known": {"vi": "Mẫu thật: {name} (SHA-256 {sha256})", "en": "Genuine sample: {name} (SHA-256 {sha256})"},
    "compare.file_questioned": {"vi": "Tệp cần kiểm tra: {name} (SHA-256 {sha256})", "en": "Questioned file: {name} (SHA-256 {sha256})"},
    "compare.next.different": {
        "vi": "Việc nên làm: KHÔNG chuyển tiền, không gửi mã OTP hay thông tin cá nhân. Gác máy và tự gọi lại người đó qua số điện thoại bạn đã lưu từ trước. Báo cho công an (gọi 113 hoặc đến công an phường/xã gần nhất) và giữ lại tệp này làm bằng chứng.",
        "en": "What to do: do NOT transfer money or send OTP codes or personal data. Hang up and call the person back on the number you saved before. Report it to the police (call 113 or go to the nearest ward police station) and keep this file as evidence.",
    },
    "compare.next.match_not_proof": {
        "vi": "Việc nên làm: vẫn xác minh qua kênh khác trước khi chuyển tiền: tự gọi lại số đã lưu, hỏi một điều chỉ hai người biết, hoặc gặp trực tiếp.",
        "en": "What to do: still verify through another channel before sending money: call back the number you saved, ask something only the two of you know, or meet in person.",
    },
    "compare.next.unclear": {
        "vi": "Việc nên làm: dùng mẫu thật dài hơn (ít nhất 10 giây nói rõ, mặt nhìn thẳng) và xác minh qua kênh khác: tự gọi lại số đã lưu.",
        "en": "What to do: use a longer genuine sample (at least 10 s of clear speech, a frontal face) and verify through another channel: call back the number you saved.",
    },
    "compare.next.not_comparable": {
        "vi": "Việc nên làm: chọn mẫu thật cùng loại với tệp cần kiểm tra (tin nhắn thoại với tin nhắn thoại, video có mặt với video có mặt).",
        "en": "What to do: choose a genuine sample of the same kind as the questioned file (a voice note for a voice note, a video showing the face for a video).",
    },
}

# Identity consistency inside one clip (verifier/analysis/identity/consistency.py)
MESSAGES.update({
    "identity.steady": {
        "vi": "Khuôn mặt giữ nguyên một người trong suốt đoạn video.",
        "en": "The face stays the same person throughout the clip.",
    },
    "identity.one_odd_frame": {
        "vi": "Có một khung hình mà khuôn mặt trông như người khác (có thể do ánh sáng hoặc góc quay); chưa đủ để kết luận.",
        "en": "One frame shows a face that looks like another person (lighting or angle can cause this); not enough to conclude.",
    },
    "identity.changes": {
        "vi": "Khuôn mặt đổi sang người khác ở một số khung hình: dấu hiệu của mặt ghép (deepfake) bị lộ khi quay đầu, hoặc video bị cắt ghép.",
        "en": "The face turns into another person in several frames: a sign of a face swap slipping when the head turns, or of a spliced video.",
    },
    "identity.too_few_faces": {
        "vi": "Quá ít khung hình có khuôn mặt nhìn thẳng ({faces_described}, cần {min_faces}) để kiểm tra danh tính trong video.",
        "en": "Too few frames with a frontal face ({faces_described}, {min_faces} needed) to check the identity within the clip.",
    },
    "plot.identity.distance": {"vi": "Khác biệt so với khuôn mặt chính của video", "en": "Difference from the clip's main face"},
    "plot.identity.threshold": {"vi": "Ngưỡng 'người khác'", "en": "'Different person' threshold"},
    "plot.identity.distance_axis": {"vi": "Khoảng cách (dlib)", "en": "Distance (dlib)"},
    "plot.identity.yaw_axis": {"vi": "Quay đầu (độ)", "en": "Head turn (degrees)"},
    "plot.identity.time_axis": {"vi": "Thời gian (giây)", "en": "Time (s)"},
})

# The identity signal inside the analysis (verifier/analysis/pipeline.py, weight 0 in fusion)
MESSAGES.update({
    "identity.name": {"vi": "Danh tính khuôn mặt trong video", "en": "Identity of the face within the clip"},
    "identity.value": {
        "vi": "{other_identity_frames} trên {faces_described} khung hình có khuôn mặt như người khác (khoảng cách lớn nhất {max_distance_to_clip_identity}, ngưỡng {different_person_distance})",
        "en": "{other_identity_frames} of {faces_described} frames show a face like another person (largest distance {max_distance_to_clip_identity}, threshold {different_person_distance})",
    },
    "stage.identity": {"vi": "Đang kiểm tra khuôn mặt có giữ nguyên một người…", "en": "Checking the face stays one person…"},
})
