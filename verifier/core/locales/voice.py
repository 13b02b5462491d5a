"""Messages of the learned voice detector (AASIST-L) and of its model files."""

MESSAGES = {
    "voice.name": {"vi": "Giọng nói (mô hình AASIST-L)", "en": "Voice (AASIST-L model)"},
    "voice.value": {
        "vi": "Xác suất giọng tổng hợp {p_fake_pct}% (trung vị của {verdict_windows} đoạn 4 giây rải đều trên {speech_s} giây tiếng nói; đã chấm {windows}/{grid_windows} đoạn; đoạn cao nhất {peak_window_p_fake_pct}% ở giây {peak_window_start_s}–{peak_window_end_s})",
        "en": "Probability of a synthetic voice {p_fake_pct}% (median of {verdict_windows} segments of 4 s spread over {speech_s} s of speech; {windows} of {grid_windows} segments scored; highest segment {peak_window_p_fake_pct}% at {peak_window_start_s}–{peak_window_end_s} s)",
    },
    "voice.synthetic_likely": {
        "vi": "Giọng nói có dấu hiệu được tạo bằng máy (giọng tổng hợp hoặc giọng nhân bản). Hãy gọi lại cho người thân qua số quen thuộc để xác minh.",
        "en": "The voice shows signs of being machine-made (synthetic or cloned speech). Call the person back on a number you know to check.",
    },
    "voice.no_clear_sign": {
        "vi": "Mô hình không thấy dấu hiệu rõ của giọng tổng hợp. Điều này KHÔNG chứng minh giọng là thật: giọng nhân bản mới có thể qua mặt mô hình.",
        "en": "The model found no clear sign of a synthetic voice. This does NOT prove the voice is real: new voice clones can fool the model.",
    },
    "voice.narrowband": {
        "vi": "Âm thanh chỉ có dải tần hẹp như cuộc gọi điện thoại (đến khoảng {bandwidth_hz} Hz). Mô hình không đáng tin với loại âm thanh này (nó chấm cả giọng thật qua điện thoại là giọng tổng hợp), nên kết quả giọng nói chỉ được tính rất ít. Hãy gọi lại cho người thân qua số quen thuộc để xác minh.",
        "en": "The sound is narrowband, like a phone call (up to about {bandwidth_hz} Hz). The model is not trustworthy on such audio (it scores even real phone speech as synthetic), so the voice result counts very little. Call the person back on a number you know to check.",
    },
    "voice.music": {
        "vi": "Âm thanh có nhịp như nhạc hoặc tiếng hát. Mô hình chỉ được huấn luyện trên lời nói, nên kết quả giọng nói chỉ được tính rất ít. Kẻ gian cũng có thể chèn nhạc nền để che giọng nhân bản: hãy gọi lại cho người thân qua số quen thuộc để xác minh.",
        "en": "The sound has a beat, like music or singing. The model was trained on speech only, so the voice result counts very little. Scammers can also add background music to hide a cloned voice: call the person back on a number you know to check.",
    },
    "plot.voice.title": {
        "vi": "Xác suất giọng tổng hợp theo từng đoạn 4 giây (trung vị: {p}%)",
        "en": "Probability of a synthetic voice per 4 s segment (median: {p}%)",
    },
    "plot.voice.window": {"vi": "Từng đoạn", "en": "Per segment"},
    "plot.voice.overall": {"vi": "Cả tin nhắn", "en": "Whole message"},
    "plot.voice.axis": {"vi": "P(tổng hợp)", "en": "P(synthetic)"},
    "voice.too_short": {
        "vi": "Đoạn tiếng nói quá ngắn ({speech_s} giây; cần ít nhất {min_speech_s} giây) để kiểm tra giọng.",
        "en": "The speech is too short ({speech_s} s; at least {min_speech_s} s are needed) to check the voice.",
    },
    "voice.no_speech": {
        "vi": "Không có tiếng nói (chỉ có im lặng, tiếng ồn hoặc nhạc) nên không kiểm tra giọng.",
        "en": "There is no speech (only silence, noise or music), so the voice was not checked.",
    },
    "voice.model_missing": {
        "vi": "Chưa có tệp mô hình giọng nói ({file}) nên CHƯA kiểm tra giọng (đây không phải kết quả). Chạy: {command}",
        "en": "The voice model file ({file}) is missing, so the voice was NOT checked (this is not a result). Run: {command}",
    },
    "voice.model_corrupt": {
        "vi": "Tệp mô hình giọng nói {file} bị hỏng hoặc không đúng bản (mã SHA-256 không khớp) nên CHƯA kiểm tra giọng. Chạy: {command}",
        "en": "The voice model file {file} is damaged or the wrong version (SHA-256 mismatch), so the voice was NOT checked. Run: {command}",
    },
}
