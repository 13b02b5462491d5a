"""Messages of the app (app.py), the figures (plots.py) and the reports (report_html.py)."""

MESSAGES = {
    # --- app: header, language, tabs --------------------------------------------------------
    "app.title": {"vi": "Trợ lý kiểm tra cuộc gọi giả mạo (deepfake)", "en": "Deepfake call check assistant"},
    "app.subtitle": {
        "vi": "Kiểm tra đoạn ghi cuộc gọi video hoặc tin nhắn thoại của “người thân” đáng ngờ. Mọi phân tích chạy ngay trên máy này, không gửi tệp đi đâu.",
        "en": "Check a recording of a suspicious video call or voice message from a “relative”. Everything runs on this computer; no file is sent anywhere.",
    },
    "app.lang": {"vi": "Ngôn ngữ / Language", "en": "Language / Ngôn ngữ"},
    "app.tab.video": {"vi": "Cuộc gọi video", "en": "Video call"},
    "app.tab.audio": {"vi": "Tin nhắn thoại", "en": "Voice message"},
    "app.tab.todo": {"vi": "Cần làm gì", "en": "What to do"},
    "app.tab.about": {"vi": "Giới thiệu", "en": "About"},
    # --- app: inputs ------------------------------------------------------------------------
    "app.video.input": {"vi": "Đoạn ghi cuộc gọi video", "en": "Video call recording"},
    "app.video.help": {
        "vi": "Bước 1: kéo thả hoặc bấm vào ô dưới để chọn tệp video (mp4, mov, webm, mkv, 3gp, avi; tối đa {max_mb} MB, {max_min} phút). Bước 2: bấm “Phân tích”. Bước 3: đánh dấu tình huống bên phải và đọc lời khuyên.",
        "en": "Step 1: drop or click the box below to choose a video file (mp4, mov, webm, mkv, 3gp, avi; up to {max_mb} MB, {max_min} minutes). Step 2: press “Analyse”. Step 3: tick what happened on the right and read the advice.",
    },
    "app.audio.input": {"vi": "Tin nhắn thoại / đoạn ghi âm", "en": "Voice message / audio recording"},
    "app.audio.help": {
        "vi": "Bước 1: chọn tệp âm thanh (m4a, aac, mp3, ogg/opus, wav, flac, amr; tối đa {max_mb} MB, {max_min} phút). Bước 2: bấm “Phân tích”. Bước 3: đánh dấu tình huống bên phải và đọc lời khuyên.",
        "en": "Step 1: choose an audio file (m4a, aac, mp3, ogg/opus, wav, flac, amr; up to {max_mb} MB, {max_min} minutes). Step 2: press “Analyse”. Step 3: tick what happened on the right and read the advice.",
    },
    "app.analyze": {"vi": "Phân tích", "en": "Analyse"},
    "app.examples": {"vi": "Ví dụ có sẵn (đoạn ghi tổng hợp để thử)", "en": "Built-in examples (synthetic clips to try)"},
    "app.result": {"vi": "Kết quả", "en": "Result"},
    "app.result.empty": {
        "vi": "Chưa có kết quả. Hãy chọn một tệp rồi bấm “Phân tích”.",
        "en": "No result yet. Choose a file and press “Analyse”.",
    },
    "app.no_file": {"vi": "Chưa chọn tệp nào. Hãy chọn tệp rồi bấm “Phân tích”.", "en": "No file chosen. Choose a file, then press “Analyse”."},
    "app.plots": {"vi": "Biểu đồ bằng chứng", "en": "Evidence charts"},
    "app.plot.blink": {"vi": "Độ mở mắt theo thời gian", "en": "Eye openness over time"},
    "app.plot.lipsync": {"vi": "Cử động môi và tiếng nói", "en": "Mouth movement and speech"},
    "app.plot.spec": {"vi": "Phổ âm thanh", "en": "Sound spectrogram"},
    "app.preview": {"vi": "Khung hình có đánh dấu (mắt, môi)", "en": "Annotated frames (eyes, lips)"},
    "app.json": {"vi": "Dữ liệu kỹ thuật (JSON, cho điều tra viên)", "en": "Technical data (JSON, for investigators)"},
    "app.download.button": {"vi": "Tạo báo cáo để tải về (HTML + JSON)", "en": "Make a report to download (HTML + JSON)"},
    "app.download.files": {"vi": "Báo cáo", "en": "Report"},
    "app.download.none": {"vi": "Hãy phân tích một tệp trước khi tạo báo cáo.", "en": "Analyse a file before making a report."},
    "app.advice.none": {"vi": "Lời khuyên", "en": "Advice"},
    "app.todo.intro": {
        "vi": "Dù công cụ cho kết quả thế nào, những việc dưới đây luôn đúng khi “người thân” gọi video hay nhắn thoại để hỏi tiền. Đánh dấu tình huống để xem lời khuyên phù hợp.",
        "en": "Whatever the tool says, the steps below always apply when a “relative” video-calls or sends a voice message asking for money. Tick what happened to see the matching advice.",
    },
    # --- app: about ---------------------------------------------------------------------------
    "app.about.md": {
        "vi": """### Công cụ làm gì
Công cụ xem đoạn ghi cuộc gọi video hoặc tin nhắn thoại và tìm những dấu vết mà video/giọng giả thường để lại:
- Chớp mắt: người thật khi nói chuyện thường chớp mắt 10–32 lần/phút; nhiều video giả chớp rất ít.
- Khớp môi với tiếng: cử động miệng phải đi cùng tiếng nói; video ghép tiếng thường lệch hoặc khớp kém.
- Giọng nói: một mô hình học máy (AASIST-L) tìm dấu hiệu giọng tổng hợp; vài phép đo đơn giản (tiếng nền, dải tần, tiếng lấy hơi, ngữ điệu) chỉ để giải thích, không tính vào mức kết luận.
- Ảnh khuôn mặt: một mô hình học máy sẽ chấm điểm từng ảnh khuôn mặt để tìm dấu vết ghép mặt (đường nối, màu da hoặc độ nét lệch nhau). Phiên bản này chưa có mô hình đó: các bản huấn luyện đến nay chấm nhầm nhiều video thật là giả mà không phân biệt được video ghép mặt, và trên các video thử của chúng tôi (mặt nhỏ, nén mạnh) ngay cả một mô hình được cho xem video giả cũng gần như không phân biệt được, nên chưa được đưa vào. Khi có, nó chỉ để giải thích cho đến khi được kiểm chứng, và có thể bỏ sót các công cụ giả mạo mới.

Các dấu vết được gộp thành một mức: *ít dấu hiệu*, *có dấu hiệu đáng ngờ*, *nhiều dấu hiệu*, hoặc *không đủ dữ liệu để kết luận*.

### Giới hạn
- Công cụ không thể chứng minh một cuộc gọi là thật. Video giả tốt có thể không để lại dấu vết mà công cụ đo được; mức “ít dấu hiệu” không có nghĩa là cuộc gọi thật.
- Kết quả đo trên bộ dữ liệu thử: giọng máy kiểu cũ (như Tacotron) thường bị phát hiện, nhưng phần lớn giọng **nhân bản** hiện đại thì không: trên 655 đoạn ghi (tháng 12/2026), chỉ 0–16 % giọng giả của CosyVoice2, FishSpeech, MaskGCT, F5-TTS, XTTS, IndexTTS, VITS, Kani-TTS bị xếp mức “cao”, và với tiếng Việt công cụ phân biệt không hơn đoán mò; video **ghép mặt** hiện đại (DeepFaceLive, SadTalker) thường chớp mắt và khớp môi như người thật nên công cụ không phân biệt được.
- Đoạn ghi ngắn (vài giây), mặt nhỏ, tối, mờ hoặc không có tiếng nói thì kết quả kém tin cậy hoặc không kết luận được.
- Ghi màn hình, nén lại nhiều lần có thể làm lệch tiếng–hình hoặc làm nhoè mắt.
- Luôn xác minh qua kênh khác: gọi lại số đã lưu, hỏi điều chỉ người thật biết.

### Quyền riêng tư
- Mọi phân tích chạy trên máy này; tệp không được gửi lên mạng, không có thống kê sử dụng.
- Tệp tải lên được xoá ngay sau khi phân tích; tệp gốc trên máy bạn không bị thay đổi.
- Báo cáo chỉ được tạo khi bạn bấm nút, và chứa mã SHA-256 để chứng minh báo cáo nói về đúng tệp nào.
""",
        "en": """### What the tool does
The tool looks at a recording of a video call or a voice message for traces that fake video or voices often leave:
- Blinking: real people in conversation usually blink 10–32 times a minute; many fake videos blink very little.
- Lip-sync: the mouth should move with the speech; dubbed fakes often lag or match poorly.
- Voice: a machine-learning model (AASIST-L) looks for signs of synthetic speech; a few simple measurements (background noise, bandwidth, breaths, intonation) only explain and are not counted in the level.
- Face pictures: a machine-learning model will score each face picture for traces of a pasted face (a seam, or skin colour or sharpness that do not match). This version does not include it: the trainings so far rated many real videos as fake without telling face swaps apart, and on our test videos (small, heavily compressed faces) even a model shown the fakes could hardly separate them, so it was left out. When it ships it will only explain until it is proven, and it can miss new forgery tools.

The traces are combined into one level: *few signs*, *some suspicious signs*, *strong signs*, or *not enough data to conclude*.

### Limits
- The tool cannot prove a call is real. A good fake may leave no trace it can measure; "few signs" does not mean the call is real.
- Measured on our test data: older machine voices (such as Tacotron) are often caught, but most modern **voice clones** are not: on 655 recordings (December 2026), only 0–16 % of the fakes made with CosyVoice2, FishSpeech, MaskGCT, F5-TTS, XTTS, IndexTTS, VITS or Kani-TTS reach “high”, and on Vietnamese speech the tool does no better than guessing; modern **face swaps** (DeepFaceLive, SadTalker) blink and move their lips like real people, so the tool cannot tell them apart.
- Short recordings (a few seconds), small, dark or blurred faces, or no speech give less reliable results or no conclusion.
- Screen recording and repeated compression can shift sound against picture or blur the eyes.
- Always verify through another channel: call back a saved number, ask something only the real person knows.

### Privacy
- All analysis runs on this computer; files are not uploaded anywhere and there is no usage tracking.
- Uploaded files are deleted right after the analysis; the original file on your device is not changed.
- A report is made only when you press the button, and holds the file's SHA-256 to show exactly which file it describes.
""",
    },
    "app.about.version": {"vi": "Phiên bản công cụ: {version}", "en": "Tool version: {version}"},
    # --- result view --------------------------------------------------------------------------
    "result.level": {"vi": "Mức dấu hiệu giả mạo", "en": "Signs of manipulation"},
    "result.risk": {"vi": "điểm tổng hợp {risk} / 1", "en": "combined score {risk} / 1"},
    "result.error": {"vi": "Không phân tích được tệp", "en": "The file could not be analysed"},
    "result.col.normal": {"vi": "Ở người thật", "en": "In real people"},
    "result.reliability": {"vi": "độ tin cậy của phép đo {pct}%", "en": "reliability of the measurement {pct}%"},
    "result.explains_only": {"vi": "chỉ để giải thích, không tính vào mức kết luận",
                             "en": "explains only; not counted in the level"},
    "result.flag.suspicious": {"vi": "đáng ngờ", "en": "suspicious"},
    "result.flag.unremarkable": {"vi": "không thấy bất thường", "en": "nothing unusual"},
    "result.flag.neutral": {"vi": "trung tính", "en": "neutral"},
    "result.flag.not_measured": {"vi": "không đo được", "en": "not measured"},
    "result.flag.quality": {"vi": "chất lượng", "en": "quality"},
    "result.not_measured": {"vi": "—", "en": "—"},
    "result.elapsed": {"vi": "Phân tích trong {elapsed_s} giây", "en": "Analysed in {elapsed_s} s"},
    "result.signals": {"vi": "Từng dấu hiệu", "en": "Signal by signal"},
    # --- reports --------------------------------------------------------------------------------
    "report.title": {"vi": "Báo cáo kiểm tra dấu hiệu giả mạo", "en": "Manipulation check report"},
    "report.file": {"vi": "Tệp", "en": "File"},
    "report.sha256": {"vi": "SHA-256 của tệp gốc", "en": "SHA-256 of the original file"},
    "report.kind": {"vi": "Loại", "en": "Kind"},
    "report.kind.video": {"vi": "video", "en": "video"},
    "report.kind.audio": {"vi": "âm thanh", "en": "audio"},
    "report.duration": {"vi": "Độ dài", "en": "Duration"},
    "report.duration_value": {"vi": "{duration_s} giây", "en": "{duration_s} s"},
    "report.size": {"vi": "Kích thước tệp", "en": "File size"},
    "report.picture": {"vi": "Hình", "en": "Picture"},
    "report.sound": {"vi": "Tiếng", "en": "Sound"},
    "report.container": {"vi": "Định dạng", "en": "Container"},
    "report.encoder": {"vi": "Phần mềm mã hoá (theo thẻ của tệp)", "en": "Encoder (from the file's tags)"},
    "report.analyzed_at": {"vi": "Thời điểm phân tích (UTC)", "en": "Analysed at (UTC)"},
    "report.generated_at": {"vi": "Thời điểm tạo báo cáo (UTC)", "en": "Report generated at (UTC)"},
    "report.versions": {"vi": "Phiên bản công cụ", "en": "Tool versions"},
    "report.metadata": {"vi": "Thông tin tệp", "en": "File information"},
    "report.quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "report.figures": {"vi": "Biểu đồ", "en": "Charts"},
    "report.json": {"vi": "Dữ liệu đầy đủ (JSON, theo hợp đồng của dòng lệnh)", "en": "Full data (JSON, the command line's contract)"},
    "report.situation": {"vi": "Tình huống do người dùng đánh dấu", "en": "Situation ticked by the user"},
    "report.yes": {"vi": "có", "en": "yes"},
    "report.no": {"vi": "không", "en": "no"},
    "report.disclaimer": {
        "vi": "Báo cáo này mô tả các dấu hiệu kỹ thuật đo được trên tệp; nó không phải kết luận giám định và không chứng minh tệp là thật hay giả. Tệp gốc chỉ được đọc, không bị thay đổi; đối chiếu mã SHA-256 để chắc chắn báo cáo nói về đúng tệp.",
        "en": "This report describes technical signs measured on the file; it is not a forensic conclusion and does not prove the file real or fake. The original file was only read, never changed; compare the SHA-256 to be sure the report is about the right file.",
    },
    "report.none": {"vi": "không có", "en": "none"},
    # --- figures ------------------------------------------------------------------------------
    "plot.time_s": {"vi": "Thời gian (giây)", "en": "Time (s)"},
    "plot.blink.title": {
        "vi": "Độ mở mắt: {n} lần chớp trong {duration_s} giây ({rate} lần/phút)",
        "en": "Eye openness: {n} blinks in {duration_s} s ({rate} per minute)",
    },
    "plot.blink.ear": {"vi": "độ mở mắt", "en": "eye openness"},
    "plot.blink.ear_axis": {"vi": "Độ mở mắt (EAR)", "en": "Eye openness (EAR)"},
    "plot.blink.threshold": {"vi": "ngưỡng nhắm mắt", "en": "closed-eye threshold"},
    "plot.blink.blink": {"vi": "lần chớp mắt", "en": "blink"},
    "plot.lipsync.title": {
        "vi": "Độ mở miệng và độ to tiếng nói (căn theo độ lệch tốt nhất {offset_ms} ms)",
        "en": "Mouth opening and speech loudness (aligned at the best offset, {offset_ms} ms)",
    },
    "plot.lipsync.mouth": {"vi": "độ mở miệng", "en": "mouth opening"},
    "plot.lipsync.envelope": {"vi": "độ to tiếng nói", "en": "speech loudness"},
    "plot.lipsync.corr": {"vi": "mức khớp", "en": "match"},
    "plot.lipsync.band": {"vi": "lệch người xem không nhận ra", "en": "offset viewers do not notice"},
    "plot.lipsync.best": {"vi": "lệch tốt nhất {offset_ms} ms", "en": "best offset {offset_ms} ms"},
    "plot.lipsync.offset_axis": {"vi": "Độ lệch tiếng so với hình (ms; dương = tiếng đến trễ)", "en": "Audio offset vs picture (ms; positive = audio late)"},
    "plot.lipsync.corr_axis": {"vi": "Mức khớp (tương quan)", "en": "Match (correlation)"},
    "plot.spec.title": {"vi": "Phổ âm thanh", "en": "Spectrogram"},
    "plot.spec.freq_axis": {"vi": "Tần số (Hz)", "en": "Frequency (Hz)"},
    "plot.spec.f0": {"vi": "cao độ giọng", "en": "voice pitch"},
    "plot.spec.cutoff": {"vi": "giới hạn dải tần {hz} Hz", "en": "bandwidth limit {hz} Hz"},
    "plot.spec.voice_p": {"vi": "xác suất giọng tổng hợp {p}%", "en": "probability of synthetic voice {p}%"},
    "plot.spec.voice_na": {"vi": "chưa đánh giá", "en": "not assessed"},
}
