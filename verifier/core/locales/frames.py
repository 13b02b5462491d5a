"""Messages of the learned face-picture detector (the ``frames`` signal) and its figures."""

MESSAGES = {
    "frames.name": {"vi": "Ảnh khuôn mặt (mô hình học máy)", "en": "Face pictures (learned model)"},
    "frames.value": {
        "vi": "Điểm giả mạo {clip_score_pct}% (mức cao của {n_crops} ảnh khuôn mặt); {share_over_half_pct}% số ảnh trên 50%",
        "en": "Manipulation score {clip_score_pct}% (the high end over {n_crops} face pictures); {share_over_half_pct}% of pictures above 50%",
    },
    "frames.fake_likely": {
        "vi": "Mô hình học máy thấy dấu vết ghép mặt (đường nối, màu da hoặc độ nét lệch nhau) trên một số khung hình. Hãy gọi lại cho người thân qua số quen thuộc để xác minh.",
        "en": "The learned model sees traces of a pasted face (a seam, or skin colour or sharpness that do not match) in some frames. Call the person back on a number you know to check.",
    },
    "frames.no_clear_sign": {
        "vi": "Mô hình học máy không thấy dấu vết ghép mặt rõ ràng. Điều này KHÔNG chứng minh video là thật: mô hình chỉ học dấu vết của việc ghép mặt và có thể bỏ sót các công cụ giả mạo mới.",
        "en": "The learned model sees no clear trace of a pasted face. This does NOT prove the video is real: the model learned only the traces of face blending and can miss new forgery tools.",
    },
    "frames.no_face": {
        "vi": "Không có đủ ảnh khuôn mặt rõ để mô hình học máy chấm điểm.",
        "en": "There are not enough clear face pictures for the learned model to score.",
    },
    "frames.too_few": {
        "vi": "Chỉ có {n_crops} ảnh khuôn mặt (cần ít nhất {min_crops}) nên mô hình học máy không chấm điểm.",
        "en": "Only {n_crops} face pictures (at least {min_crops} are needed), so the learned model did not score them.",
    },
    "frames.model_missing": {
        "vi": "Chưa có mô hình nhận diện ảnh khuôn mặt ({file}) nên phần kiểm tra này CHƯA chạy (đây không phải kết quả). Chạy: {command}",
        "en": "The face-picture model ({file}) is not installed, so this check was NOT run (this is not a result). Run: {command}",
    },
    "frames.model_corrupt": {
        "vi": "Tệp mô hình ảnh khuôn mặt {file} bị hỏng hoặc không đúng bản (mã SHA-256 không khớp) nên phần kiểm tra này CHƯA chạy. Chạy: {command}",
        "en": "The face-picture model file {file} is damaged or the wrong version (SHA-256 mismatch), so this check was NOT run. Run: {command}",
    },
    "stage.frames": {"vi": "Đang chấm điểm ảnh khuôn mặt bằng mô hình học máy…", "en": "Scoring the face pictures with the learned model…"},
    # --- figures -------------------------------------------------------------------------
    "plot.frames.title": {
        "vi": "Điểm giả mạo của từng ảnh khuôn mặt (mô hình học máy) — điểm của đoạn: {clip_score_pct}%",
        "en": "Manipulation score of each face picture (learned model) — clip score: {clip_score_pct}%",
    },
    "plot.frames.score": {"vi": "Điểm từng ảnh", "en": "Score of each picture"},
    "plot.frames.clip": {"vi": "Điểm của đoạn (mức cao)", "en": "Clip score (high end)"},
    "plot.frames.threshold": {"vi": "Ngưỡng 50%", "en": "50% line"},
    "plot.frames.score_axis": {"vi": "Điểm giả mạo", "en": "Manipulation score"},
    "plot.views.title": {
        "vi": "3 ảnh khuôn mặt đáng ngờ nhất; màu đỏ: vùng mô hình chú ý nhiều nhất",
        "en": "The 3 most suspicious face pictures; red: where the model looks most",
    },
    "plot.views.caption": {"vi": "{t_s} giây · điểm {score_pct}%", "en": "{t_s} s · score {score_pct}%"},
    "app.plot.frames": {"vi": "Điểm ảnh khuôn mặt theo thời gian", "en": "Face-picture score over time"},
    "app.plot.views": {"vi": "Ảnh khuôn mặt đáng ngờ nhất", "en": "Most suspicious face pictures"},
}
