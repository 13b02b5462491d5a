"""Messages of the "Thử thách / Challenge" tab (verifier/ui/challenge_tab.py) and of the challenge script
(verifier/outputs/challenge_sheet.py). The analysis' own words (``challenge.kind/verdict/flag.*``)
live in the liveness module's table."""

MESSAGES = {
    "challenge.ui.tab": {"vi": "Thử thách", "en": "Challenge"},
    # --- the script to read to the caller ---------------------------------------------------------
    "challenge.ui.title": {"vi": "Thử thách người gọi video", "en": "Challenge the video caller"},
    "challenge.ui.intro": {
        "vi": "Đang gọi video mà thấy nghi ngờ? Hãy đề nghị người gọi làm lần lượt các động tác dưới đây, thật chậm, từng bước một. Đọc cho họ câu in đậm.",
        "en": "On a video call you doubt? Ask the caller to do the actions below, slowly, one at a time. Read them the sentence in bold.",
    },
    "challenge.step.turn_left.title": {"vi": "1. Quay đầu sang trái", "en": "1. Turn the head to the left"},
    "challenge.step.turn_left.say": {
        "vi": "“Quay đầu thật chậm sang bên trái cho đến khi thấy rõ tai, giữ yên 2 giây, rồi quay lại nhìn thẳng.”",
        "en": "“Turn your head slowly to the left until your ear shows, hold still for 2 seconds, then look straight at the camera again.”",
    },
    "challenge.step.turn_left.watch": {
        "vi": "Khi đầu quay hẳn sang bên, mặt giả thường bị nhòe, nhấp nháy, méo ở mép mặt, hoặc thoáng biến thành mặt của một người khác.",
        "en": "When the head is fully to the side, a fake face often blurs, flickers, warps at its edge, or briefly turns into another person's face.",
    },
    "challenge.step.turn_right.title": {"vi": "2. Quay đầu sang phải", "en": "2. Turn the head to the right"},
    "challenge.step.turn_right.say": {
        "vi": "“Bây giờ quay thật chậm sang bên phải cho đến khi thấy rõ tai, giữ yên 2 giây, rồi quay lại.”",
        "en": "“Now turn slowly to the right until your ear shows, hold still for 2 seconds, then turn back.”",
    },
    "challenge.step.turn_right.watch": {
        "vi": "Nhìn như bước 1, ở bên kia: tai, tóc và đường viền hàm phải rõ nét và liền mạch; mặt phải vẫn là của người đó.",
        "en": "The same checks on the other side: the ear, hair and jaw line must stay sharp and continuous, and the face must stay the same person's.",
    },
    "challenge.step.hand.title": {"vi": "3. Đưa tay qua trước mặt", "en": "3. Pass a hand in front of the face"},
    "challenge.step.hand.say": {
        "vi": "“Xòe một bàn tay và đưa thật chậm ngang qua trước mặt, từ bên này sang bên kia.”",
        "en": "“Open one hand and pass it slowly in front of your face, from one side to the other.”",
    },
    "challenge.step.hand.watch": {
        "vi": "Bàn tay phải che khuất mặt. Nếu mặt hiện đè lên bàn tay, bàn tay bị mờ hay bị “xóa”, hoặc mặt chớp nháy khi tay đi qua: rất có thể là mặt giả.",
        "en": "The hand must hide the face. If the face shows on top of the hand, the hand is blurred or erased, or the face flickers as the hand passes: most likely a fake face.",
    },
    "challenge.step.nose_touch.title": {"vi": "4. Chạm tay vào mũi", "en": "4. Touch the nose"},
    "challenge.step.nose_touch.say": {
        "vi": "“Dùng một ngón tay chạm vào đầu mũi, giữ 2 giây.”",
        "en": "“Touch the tip of your nose with one finger and hold it there for 2 seconds.”",
    },
    "challenge.step.nose_touch.watch": {
        "vi": "Ngón tay phải nằm trước mũi. Mũi bị méo, ngón tay biến mất hoặc lẫn vào mặt là dấu hiệu của mặt giả.",
        "en": "The finger must stay in front of the nose. A warped nose, or a finger that vanishes or melts into the face, is a sign of a fake face.",
    },
    "challenge.step.stand_closer.title": {"vi": "5. Đứng dậy, lại gần", "en": "5. Stand up, move closer"},
    "challenge.step.stand_closer.say": {
        "vi": "“Đứng dậy, lùi ra xa một chút rồi tiến lại sát camera.”",
        "en": "“Stand up, step back a little, then come close to the camera.”",
    },
    "challenge.step.stand_closer.watch": {
        "vi": "Khi người di chuyển và mặt to nhỏ thay đổi, mặt giả dễ trượt khỏi đầu, chậm hơn cử động hoặc đổi màu da. Bước này chương trình không phân tích tự động: hãy tự quan sát.",
        "en": "As the person moves and the face grows and shrinks, a fake face tends to slide off the head, lag behind the movement or change skin tone. The app does not analyse this step: watch it yourself.",
    },
    "challenge.ui.say_label": {"vi": "Đọc cho người gọi:", "en": "Read to the caller:"},
    "challenge.ui.watch_label": {"vi": "Quan sát:", "en": "Watch for:"},
    "challenge.ui.why.title": {"vi": "Vì sao cách này hiệu quả", "en": "Why it works"},
    "challenge.ui.why": {
        "vi": "Phần mềm ghép mặt trong thời gian thực chủ yếu được huấn luyện bằng ảnh mặt nhìn thẳng, không bị che. Khi người gọi quay nghiêng hẳn hoặc đưa tay qua mặt, phần mềm dễ “vỡ”: mặt nhấp nháy, trở lại thành mặt của kẻ gian (một người khác), hoặc mặt giả bị vẽ đè lên bàn tay.",
        "en": "Real-time face-swap software is trained mostly on frontal, unobstructed faces. When the caller turns fully to the side or passes a hand over the face, it tends to break: the face flickers, reverts to the impostor's own face (another person), or the fake face is painted over the hand.",
    },
    "challenge.ui.live.title": {"vi": "Quan sát ngay trong cuộc gọi", "en": "Watch live, during the call"},
    "challenge.ui.live": {
        "vi": "Bạn đang ở trong cuộc gọi: hãy nhìn kỹ mép mặt (tóc, tai, cằm), mắt và miệng ở mỗi bước. Nhòe, nhấp nháy, đổi màu da, mặt biến thành người khác hay mặt hiện đè lên tay đều là dấu hiệu của mặt giả.",
        "en": "You are on the call: at each step look closely at the edge of the face (hair, ears, chin), the eyes and the mouth. Blurring, flickering, a change of skin tone, a face turning into someone else, or a face showing on top of the hand are all signs of a fake face.",
    },
    "challenge.ui.rule.title": {"vi": "Quy tắc", "en": "The rule"},
    "challenge.ui.rule.fail": {
        "vi": "Người gọi TỪ CHỐI, viện cớ (mạng yếu, hỏng camera, đang bận) hoặc hình bị lỗi khi làm thử thách: CÚP MÁY và gọi lại cho người đó qua số điện thoại bạn đã lưu từ trước.",
        "en": "If the caller REFUSES, makes excuses (weak signal, broken camera, busy) or the picture breaks during the challenge: HANG UP and call the person back on a number you had already saved.",
    },
    "challenge.ui.rule.pass": {
        "vi": "Làm đúng thử thách KHÔNG chứng minh đó là người thật: mặt giả tốt vẫn có thể vượt qua. Trước khi chuyển tiền, vẫn phải gọi lại qua số đã lưu hoặc hỏi điều chỉ người thật mới biết.",
        "en": "Passing the challenge does NOT prove it is them: a good face swap can pass it too. Before any transfer, still call back on a saved number or ask something only the real person knows.",
    },
    "challenge.ui.record": {
        "vi": "Nếu được, hãy ghi lại màn hình trong lúc thử thách (chức năng ghi màn hình của điện thoại), rồi phân tích bản ghi ở phần dưới.",
        "en": "If you can, record the screen during the challenge (your phone's screen recorder), then analyse the recording below.",
    },
    "challenge.ui.printable": {"vi": "Tải bản in một trang (HTML, in ra A4)", "en": "Download the one-page printable version (HTML, prints on A4)"},
    "challenge.ui.print.footer": {
        "vi": "Trợ lý kiểm tra cuộc gọi deepfake (phần mềm mở, chạy ngoại tuyến). Hình vẽ do dự án tự vẽ.",
        "en": "Deepfake call verification assistant (open-source, offline). Drawings made by the project.",
    },
    # --- the analysis of a recording --------------------------------------------------------------
    "challenge.ui.analyse.title": {"vi": "Phân tích bản ghi thử thách", "en": "Analyse a recording of the challenge"},
    "challenge.ui.analyse.help": {
        "vi": "Tải lên video ghi lại cuộc gọi trong lúc người gọi làm thử thách. Chương trình tìm từng động tác (quay trái, quay phải, đưa tay, chạm mũi) và đo mặt trước, trong và sau động tác. Tệp của bạn bị xóa ngay sau khi phân tích.",
        "en": "Upload a video recording of the call while the caller does the challenge. The app finds each action (turn left, turn right, hand, nose touch) and measures the face before, during and after it. Your file is deleted right after the analysis.",
    },
    "challenge.ui.input": {"vi": "Bản ghi cuộc gọi (video)", "en": "Recording of the call (video)"},
    "challenge.ui.button": {"vi": "Phân tích thử thách", "en": "Analyse the challenge"},
    "challenge.ui.empty": {
        "vi": "Chưa có kết quả. Tải lên bản ghi và bấm “Phân tích thử thách”.",
        "en": "No result yet. Upload a recording and press “Analyse the challenge”.",
    },
    "challenge.ui.no_file": {"vi": "Chưa chọn tệp video nào.", "en": "No video file was chosen."},
    "challenge.ui.error": {"vi": "Không phân tích được tệp “{name}”", "en": "Could not analyse the file “{name}”"},
    "challenge.ui.verdict_label": {"vi": "Kết quả thử thách", "en": "Challenge result"},
    "challenge.ui.next.anomaly": {
        "vi": "Có dấu hiệu mặt giả trong lúc làm thử thách. Cúp máy, gọi lại qua số đã lưu, tuyệt đối không chuyển tiền.",
        "en": "Signs of a fake face were found during the challenge. Hang up, call back on a saved number, and transfer no money.",
    },
    "challenge.ui.next.not_performed": {
        "vi": "Không thấy động tác thử thách nào trong bản ghi nên không kết luận được gì. Thử thách không làm (hoặc bị từ chối) không bao giờ được coi là đạt: hãy gọi lại qua số đã lưu.",
        "en": "No challenge action was found in the recording, so nothing can be concluded. A challenge not done (or refused) never counts as passed: call back on a saved number.",
    },
    "challenge.ui.next.partly_performed": {
        "vi": "Chỉ một phần thử thách được làm; phần còn thiếu không được coi là đạt. Gọi lại qua số đã lưu.",
        "en": "Only part of the challenge was done; the missing part never counts as passed. Call back on a saved number.",
    },
    "challenge.ui.next.no_anomaly_found": {
        "vi": "Không thấy bất thường trong các động tác đã làm. Điều này KHÔNG chứng minh đó là người thật (mặt giả tốt vẫn có thể vượt qua): vẫn phải xác minh qua kênh khác.",
        "en": "No anomaly was found in the actions done. This does NOT prove it is them (a good face swap can pass): still verify through another channel.",
    },
    "challenge.ui.checklist.title": {"vi": "Các động tác đã làm", "en": "Actions performed"},
    "challenge.ui.performed": {"vi": "đã làm", "en": "performed"},
    "challenge.ui.missing": {"vi": "không thấy", "en": "not found"},
    "challenge.ui.stand_not_analysed": {
        "vi": "(Bước “đứng dậy, lại gần” không được phân tích tự động.)",
        "en": "(The “stand up, move closer” step is not analysed automatically.)",
    },
    "challenge.ui.moments.title": {"vi": "Từng động tác tìm thấy", "en": "Each action found"},
    "challenge.ui.moments.none": {"vi": "Không tìm thấy động tác nào trong bản ghi.", "en": "No challenge action was found in the recording."},
    "challenge.ui.moment.time": {"vi": "từ {start} s đến {end} s (rõ nhất lúc {peak} s)", "en": "from {start} s to {end} s (clearest at {peak} s)"},
    "challenge.ui.moment.measures": {"vi": "Số đo", "en": "Measures"},
    "challenge.ui.moment.flags": {"vi": "Bất thường", "en": "Anomalies"},
    "challenge.ui.moment.no_flag": {"vi": "không thấy bất thường", "en": "no anomaly found"},
    "challenge.ui.moment.not_measured": {"vi": "không đo được", "en": "not measurable"},
    "challenge.ui.frame": {"vi": "ảnh lúc {t} s", "en": "frame at {t} s"},
    "challenge.ui.file": {"vi": "Tệp {name} · SHA-256 {sha256} · phân tích trong {elapsed} s",
                          "en": "File {name} · SHA-256 {sha256} · analysed in {elapsed} s"},
    "challenge.ui.advice.title": {"vi": "Nên làm gì", "en": "What to do"},
}
