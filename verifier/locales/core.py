"""Messages of the core: input errors, levels, video signals (blink, lip-sync, face)."""

MESSAGES = {
    # --- input errors -------------------------------------------------------------------
    "error.not_found": {"vi": "Không tìm thấy tệp “{name}”.", "en": "File “{name}” was not found."},
    "error.empty_file": {"vi": "Tệp “{name}” rỗng (0 byte), không có gì để phân tích.", "en": "File “{name}” is empty (0 bytes): there is nothing to analyse."},
    "error.file_too_big": {"vi": "Tệp “{name}” quá lớn ({size_mb} MB; tối đa {limit_mb} MB). Hãy cắt đoạn có người nói rồi thử lại.", "en": "File “{name}” is too large ({size_mb} MB; the limit is {limit_mb} MB). Cut the part where the person speaks and try again."},
    "error.not_media": {"vi": "Tệp “{name}” không phải là video hay âm thanh mà chương trình đọc được.", "en": "File “{name}” is not a video or audio file this tool can read."},
    "error.cannot_open": {"vi": "Không mở được tệp “{name}” ({detail}).", "en": "Could not open “{name}” ({detail})."},
    "error.no_streams": {"vi": "Tệp “{name}” không chứa hình hay tiếng.", "en": "File “{name}” holds no picture and no sound."},
    "error.no_duration": {"vi": "Tệp “{name}” không có nội dung phát được (độ dài 0).", "en": "File “{name}” has nothing to play (zero length)."},
    "error.too_long": {"vi": "Tệp “{name}” dài {duration_s} giây; tối đa {limit_s} giây. Hãy cắt đoạn cần kiểm tra rồi thử lại.", "en": "File “{name}” lasts {duration_s} s; the limit is {limit_s} s. Cut the part to check and try again."},
    "error.resolution_too_high": {"vi": "Video “{name}” có độ phân giải quá lớn ({width}×{height}). Hãy xuất lại ở 1080p hoặc thấp hơn.", "en": "Video “{name}” has too high a resolution ({width}×{height}). Export it again at 1080p or lower."},
    "error.corrupt": {"vi": "Tệp “{name}” bị hỏng hoặc không đầy đủ, không giải mã được.", "en": "File “{name}” is damaged or incomplete and cannot be decoded."},
    "error.no_audio": {"vi": "Tệp “{name}” không có tiếng.", "en": "File “{name}” has no sound track."},
    "error.no_video": {"vi": "Tệp “{name}” không có hình (chỉ có tiếng). Hãy dùng mục “Tin nhắn thoại”.", "en": "File “{name}” has no picture (sound only). Use the “Voice message” tab."},
    "error.parameter": {"vi": "{text}", "en": "{text}"},
    "error.internal": {"vi": "Lỗi nội bộ khi phân tích “{name}”: {detail}. Tệp gốc không bị thay đổi.", "en": "Internal error while analysing “{name}”: {detail}. The original file was not changed."},
    # --- levels --------------------------------------------------------------------------
    "level.low": {"vi": "Ít dấu hiệu giả mạo", "en": "Few signs of manipulation"},
    "level.medium": {"vi": "Có dấu hiệu đáng ngờ", "en": "Some suspicious signs"},
    "level.high": {"vi": "Nhiều dấu hiệu giả mạo", "en": "Strong signs of manipulation"},
    "level.inconclusive": {"vi": "Không đủ dữ liệu để kết luận", "en": "Not enough data to conclude"},
    "level.low.caveat": {"vi": "Điểm thấp KHÔNG có nghĩa là cuộc gọi thật: công cụ chỉ không thấy dấu vết rõ. Vẫn phải xác minh qua kênh khác.", "en": "A low score does NOT mean the call is real: the tool just found no clear trace. Still verify through another channel."},
    "level.inconclusive.caveat": {"vi": "Đoạn ghi quá ngắn, không rõ mặt hoặc không có tiếng nói, nên không thể đánh giá. Hãy xác minh qua kênh khác.", "en": "The recording is too short, the face is unclear or there is no speech, so it cannot be assessed. Verify through another channel."},
    # --- face ----------------------------------------------------------------------------
    "face.name": {"vi": "Khuôn mặt", "en": "Face"},
    "face.ok": {"vi": "Thấy khuôn mặt trong {coverage_pct}% số khung hình, cỡ khoảng {face_px} điểm ảnh.", "en": "A face is visible in {coverage_pct}% of frames, about {face_px} pixels tall."},
    "face.none": {"vi": "Không thấy khuôn mặt nào trong video.", "en": "No face was found in the video."},
    "face.low_coverage": {"vi": "Chỉ thấy khuôn mặt trong {coverage_pct}% số khung hình: quá ít để đánh giá.", "en": "A face is visible in only {coverage_pct}% of frames: too little to assess."},
    "face.too_small": {"vi": "Khuôn mặt quá nhỏ (khoảng {face_px} điểm ảnh) để đo mắt và môi chính xác.", "en": "The face is too small (about {face_px} pixels) to measure eyes and lips reliably."},
    # --- blink ---------------------------------------------------------------------------
    "blink.name": {"vi": "Chớp mắt", "en": "Blinking"},
    "blink.normal_range": {"vi": "Người thật khi nói chuyện thường chớp mắt 10–32 lần/phút.", "en": "Real people in conversation usually blink 10–32 times per minute."},
    "blink.value": {"vi": "{blink_count} lần chớp mắt trong {duration_s} giây ({blinks_per_min} lần/phút)", "en": "{blink_count} blinks in {duration_s} s ({blinks_per_min} per minute)"},
    "blink.normal": {"vi": "Nhịp chớp mắt nằm trong khoảng bình thường của người thật.", "en": "The blink rate is within the normal human range."},
    "blink.too_few": {"vi": "Chớp mắt ít bất thường. Nhiều video giả (ghép mặt, ảnh biết nói) chớp mắt rất ít.", "en": "Unusually few blinks. Many fake videos (face swaps, talking photos) blink very little."},
    "blink.none_short": {"vi": "Chưa thấy lần chớp mắt nào, nhưng đoạn ghi ngắn nên đây chỉ là dấu hiệu yếu.", "en": "No blink seen yet, but the clip is short, so this is only weak evidence."},
    "blink.too_many": {"vi": "Chớp mắt nhiều bất thường (có thể do ánh sáng, mệt mỏi, hoặc hình bị lỗi).", "en": "Unusually many blinks (lighting, tiredness, or glitching video can cause this)."},
    "blink.too_regular": {"vi": "Các lần chớp mắt đều đặn như máy, người thật chớp không đều như vậy.", "en": "Blinks are machine-regular; real people do not blink this evenly."},
    "blink.no_face": {"vi": "Không đo được chớp mắt vì không thấy rõ mắt.", "en": "Blinking could not be measured: the eyes were not clearly visible."},
    # --- lip-sync ------------------------------------------------------------------------
    "lipsync.name": {"vi": "Khớp môi với tiếng", "en": "Lip-sync"},
    "lipsync.normal_range": {"vi": "Người xem nhận ra lệch khi tiếng đến sớm hơn 45 ms hoặc trễ hơn 125 ms so với hình (ITU-R BT.1359).", "en": "Viewers notice a lag when sound leads the picture by more than 45 ms or trails it by more than 125 ms (ITU-R BT.1359)."},
    "lipsync.value": {"vi": "Độ lệch tiếng–hình tốt nhất {offset_ms} ms, tương quan {correlation}", "en": "Best audio–video offset {offset_ms} ms, correlation {correlation}"},
    "lipsync.in_sync": {"vi": "Cử động môi khớp với tiếng nói.", "en": "Mouth movement matches the speech."},
    "lipsync.weak_match": {"vi": "Cử động môi khớp kém với tiếng nói. Có thể do video ghép tiếng/môi, hoặc do chất lượng kém.", "en": "Mouth movement matches the speech poorly. This can come from a lip-synced fake, or from poor quality."},
    "lipsync.offset": {"vi": "Tiếng và hình lệch nhau {offset_ms} ms, vượt ngưỡng người xem nhận ra.", "en": "Sound and picture are {offset_ms} ms apart, beyond what viewers notice."},
    "lipsync.static_mouth": {"vi": "Có tiếng nói nhưng miệng gần như không cử động.", "en": "There is speech but the mouth barely moves."},
    "lipsync.no_audio": {"vi": "Video không có tiếng nên không kiểm tra khớp môi (không phải dấu hiệu giả).", "en": "The video has no sound, so lip-sync was not checked (this is not a sign of fake)."},
    "lipsync.no_speech": {"vi": "Không có tiếng nói rõ (im lặng hoặc chỉ có nhạc/ồn) nên không kiểm tra khớp môi.", "en": "No clear speech (silence, music or noise only), so lip-sync was not checked."},
    "lipsync.no_face": {"vi": "Không thấy rõ miệng nên không kiểm tra khớp môi.", "en": "The mouth was not clearly visible, so lip-sync was not checked."},
    "lipsync.too_short": {"vi": "Đoạn có tiếng nói quá ngắn để kiểm tra khớp môi.", "en": "The speech is too short to check lip-sync."},
}

MESSAGES.update({
    "stage.probe": {"vi": "Đang đọc thông tin tệp và tính mã SHA-256…", "en": "Reading the file's metadata and SHA-256…"},
    "stage.decode_track": {"vi": "Đang giải mã video và theo dõi khuôn mặt…", "en": "Decoding the video and tracking the face…"},
    "stage.audio": {"vi": "Đang phân tích âm thanh…", "en": "Analysing the sound…"},
    "stage.voice": {"vi": "Đang kiểm tra giọng nói…", "en": "Checking the voice…"},
    "stage.fusion": {"vi": "Đang tổng hợp kết quả…", "en": "Combining the evidence…"},
    "stage.done": {"vi": "Xong.", "en": "Done."},
    "voice.not_available": {"vi": "Bộ kiểm tra giọng nói chưa được cài đặt: chưa đánh giá giọng nói (đây KHÔNG phải kết quả).", "en": "The voice checker is not installed: the voice was not assessed (this is NOT a result)."},
})
