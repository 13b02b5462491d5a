"""Messages of the liveness challenge analysis (verifier/liveness/, ``verifier challenge``)."""

MESSAGES = {
    # --- kinds (CHALLENGE_KINDS) ---
    "challenge.kind.turn_left": {"vi": "Quay đầu sang trái (đến khi thấy tai)", "en": "Head turned to the left (until the ear shows)"},
    "challenge.kind.turn_right": {"vi": "Quay đầu sang phải (đến khi thấy tai)", "en": "Head turned to the right (until the ear shows)"},
    "challenge.kind.hand": {"vi": "Đưa tay chậm qua trước mặt", "en": "Hand passed slowly in front of the face"},
    "challenge.kind.nose_touch": {"vi": "Chạm ngón tay vào mũi", "en": "Finger touching the nose"},
    # --- verdicts (VERDICTS) ---
    "challenge.verdict.anomaly": {
        "vi": "CÓ BẤT THƯỜNG: trong lúc thực hiện thử thách, hình ảnh khuôn mặt có dấu hiệu bị ghép/giả. Hãy dừng cuộc gọi và gọi lại cho người thân qua số điện thoại bạn đã biết.",
        "en": "ANOMALY: during the challenge the face shows signs of a swap or forgery. End the call and call the person back on a number you already know.",
    },
    "challenge.verdict.not_performed": {
        "vi": "CHƯA THỰC HIỆN THỬ THÁCH: không tìm thấy lần quay đầu, đưa tay hay chạm mũi nào trong đoạn ghi. Không kết luận được gì (đây KHÔNG phải là kết quả 'an toàn').",
        "en": "CHALLENGE NOT PERFORMED: no head turn, hand pass or nose touch was found in the recording. Nothing can be concluded (this is NOT a 'safe' result).",
    },
    "challenge.verdict.partly_performed": {
        "vi": "THỰC HIỆN MỘT PHẦN: chỉ tìm thấy một số động tác; các động tác còn thiếu chưa được kiểm tra. Hãy yêu cầu làm lại đủ các động tác.",
        "en": "PARTLY PERFORMED: only some actions were found; the missing ones were not checked. Ask for all the actions again.",
    },
    "challenge.verdict.no_anomaly_found": {
        "vi": "KHÔNG THẤY BẤT THƯỜNG trong các động tác đã làm. Điều này KHÔNG chứng minh là người thật: giả mạo tốt vẫn có thể vượt qua. Vẫn gọi lại qua số đã biết trước khi chuyển tiền.",
        "en": "NO ANOMALY FOUND in the actions performed. This does NOT prove the person is real: a good forgery can pass too. Still call back on a known number before sending money.",
    },
    # --- flags (challenge.flag.*): each an anomaly with its threshold in ChallengeParams ---
    "challenge.flag.identity_change": {
        "vi": "Khuôn mặt trở thành NGƯỜI KHÁC quanh động tác (khoảng cách nhận dạng {value} ≥ ngưỡng {threshold}).",
        "en": "The face turns into ANOTHER PERSON around the action (identity distance {value} ≥ threshold {threshold}).",
    },
    "challenge.flag.landmark_jitter": {
        "vi": "Các điểm mốc khuôn mặt rung giật bất thường trong động tác ({value} lần mức bình thường của đoạn ghi; ngưỡng {threshold}).",
        "en": "The face landmarks jitter abnormally during the action ({value}× the clip's calm level; threshold {threshold}).",
    },
    "challenge.flag.border_discontinuity": {
        "vi": "Viền khuôn mặt lộ đường ghép (màu/độ nét trong và ngoài viền khác nhau {value} lần mức bình thường; ngưỡng {threshold}).",
        "en": "The face border shows a blending seam (colour/texture step across the border {value}× the calm level; threshold {threshold}).",
    },
    "challenge.flag.face_over_hand": {
        "vi": "Khuôn mặt bị vẽ ĐÈ LÊN bàn tay: chỗ bàn tay che mặt gần như không thay đổi (tỉ lệ {value} < ngưỡng {threshold}).",
        "en": "The face is painted OVER the hand: where the hand crosses the face the picture hardly changes (ratio {value} < threshold {threshold}).",
    },
    "challenge.flag.hand_vanished_over_face": {
        "vi": "Bàn tay BIẾN MẤT đúng lúc đi qua khuôn mặt trong {value} giây (ngưỡng {threshold} giây) trong khi khuôn mặt vẫn hiện rõ.",
        "en": "The hand VANISHES exactly while crossing the face for {value} s (threshold {threshold} s) while the face stays fully visible.",
    },
    # --- notes (challenge.note.*): facts that are neither a pass nor an anomaly ---
    "challenge.note.face_lost_at_turn": {
        "vi": "Khuôn mặt không còn theo dõi được trong {value} giây khi quay đầu (góc quay lớn nhất đo được {yaw}°): phần nghiêng mặt chưa được kiểm tra, động tác này chưa tính là đã làm. Hãy yêu cầu quay chậm hơn.",
        "en": "The face could not be tracked for {value} s during the turn (largest yaw measured {yaw}°): the profile was not checked and this action does not count as performed. Ask for a slower turn.",
    },
    "challenge.note.identity_unavailable": {
        "vi": "Không đo được tính nhất quán nhận dạng (thiếu mô hình nhận dạng khuôn mặt hoặc thiếu khung hình nhìn thẳng trước/sau).",
        "en": "Identity consistency not measured (face descriptor not installed, or no frontal frames before/after).",
    },
    "challenge.note.frame_score_unavailable": {
        "vi": "Chưa có điểm của mô hình phát hiện ảnh khuôn mặt giả (mô hình chưa được cài).",
        "en": "No learned face-picture score (that model is not installed).",
    },
    # --- measures (challenge.measure.<key>; units in the key names) ---
    "challenge.measure.peak_abs_yaw_deg": {"vi": "Góc quay đầu lớn nhất (độ)", "en": "Largest head yaw (degrees)"},
    "challenge.measure.face_lost_s": {"vi": "Thời gian mất dấu khuôn mặt (giây)", "en": "Time the face was lost (s)"},
    "challenge.measure.face_present_share": {"vi": "Tỉ lệ khung hình thấy khuôn mặt", "en": "Share of frames with the face tracked"},
    "challenge.measure.identity_distance_before_after": {"vi": "Khác biệt nhận dạng trước ↔ sau", "en": "Identity distance before ↔ after"},
    "challenge.measure.identity_distance_during_max": {"vi": "Khác biệt nhận dạng lớn nhất trong động tác", "en": "Largest identity distance during"},
    "challenge.measure.different_person_distance": {"vi": "Ngưỡng 'người khác'", "en": "'Different person' threshold"},
    "challenge.measure.faces_described": {"vi": "Số khuôn mặt được nhận dạng", "en": "Faces described"},
    "challenge.measure.landmark_jitter_rel": {"vi": "Độ rung điểm mốc (theo chiều cao mặt)", "en": "Landmark jitter (per face height)"},
    "challenge.measure.landmark_jitter_ratio": {"vi": "Độ rung so với lúc bình thường (lần)", "en": "Jitter vs calm (×)"},
    "challenge.measure.border_step": {"vi": "Độ chênh ở viền mặt", "en": "Step across the face border"},
    "challenge.measure.border_step_ratio": {"vi": "Độ chênh viền so với lúc bình thường (lần)", "en": "Border step vs calm (×)"},
    "challenge.measure.hand_over_face_share": {"vi": "Phần bàn tay nằm trên mặt (lớn nhất)", "en": "Largest share of the hand over the face"},
    "challenge.measure.hand_region_change_ratio": {"vi": "Thay đổi chỗ tay che so với phần mặt còn lại (lần)", "en": "Change under the hand vs rest of the face (×)"},
    "challenge.measure.hand_gap_over_face_s": {"vi": "Bàn tay biến mất trên mặt (giây)", "en": "Hand missing over the face (s)"},
    "challenge.measure.fingertip_nose_rel": {"vi": "Khoảng cách đầu ngón trỏ – mũi (theo chiều cao mặt)", "en": "Index fingertip to nose (per face height)"},
    "challenge.measure.frame_score": {"vi": "Điểm mô hình ảnh khuôn mặt", "en": "Learned face-picture score"},
    # --- render_text lines ---
    "challenge.title": {"vi": "Phân tích thử thách trực tiếp", "en": "Live challenge analysis"},
    "challenge.file_line": {"vi": "Tệp: {file} ({duration_s} giây) — SHA-256 {sha256}", "en": "File: {file} ({duration_s} s) — SHA-256 {sha256}"},
    "challenge.performed_line": {"vi": "Đã làm: {done}", "en": "Performed: {done}"},
    "challenge.missing_line": {"vi": "Chưa thấy: {missing}", "en": "Not found: {missing}"},
    "challenge.none": {"vi": "(không có)", "en": "(none)"},
    "challenge.moment_line": {"vi": "• {kind}: {t0}–{t1} giây (đỉnh {peak} giây)", "en": "• {kind}: {t0}–{t1} s (peak {peak} s)"},
    "challenge.moment_ok": {"vi": "  không thấy bất thường", "en": "  no anomaly found"},
    "challenge.error_line": {"vi": "Không phân tích được tệp: {message}", "en": "The file could not be analysed: {message}"},
    "challenge.elapsed_line": {"vi": "Thời gian phân tích: {elapsed_s} giây", "en": "Analysis time: {elapsed_s} s"},
    "challenge.stage.decode": {"vi": "Đang đọc video và theo dõi khuôn mặt, bàn tay…", "en": "Reading the video, tracking face and hands…"},
    "challenge.stage.measure": {"vi": "Đang đo quanh từng động tác…", "en": "Measuring around each action…"},
    "challenge.stage.done": {"vi": "Xong", "en": "Done"},
}
