"""Messages of the investigator batch mode (``verifier batch``) and of ``verifier verify``."""

MESSAGES = {
    # --- why an entry of the folder is not analysed ------------------------------------------
    "batch.skip.symlink_outside": {"vi": "“{name}” là liên kết trỏ ra ngoài thư mục được kiểm tra; không theo liên kết này.", "en": "“{name}” is a link pointing outside the folder under examination; it was not followed."},
    "batch.skip.directory": {"vi": "“{name}” là một thư mục (dù tên giống tệp video/âm thanh), không phải tệp; nội dung bên trong được kiểm tra riêng.", "en": "“{name}” is a folder (although its name looks like a video or audio file), not a file; what it holds is examined on its own."},
    "batch.skip.not_a_file": {"vi": "“{name}” không phải là tệp thường (liên kết tới thư mục, thiết bị hoặc ống dẫn); bỏ qua.", "en": "“{name}” is not a regular file (a link to a folder, a device or a pipe); left out."},
    "batch.skip.not_media": {"vi": "Nội dung của “{name}” không phải video hay âm thanh (nhận biết theo nội dung, không theo đuôi tệp).", "en": "The content of “{name}” is not video or audio (recognised by content, not by its extension)."},
    "batch.skip.unreadable": {"vi": "Không đọc được “{name}” ({detail}).", "en": "Could not read “{name}” ({detail})."},
    # --- a file whose analysis did not finish ------------------------------------------------
    "batch.timeout": {"vi": "quá thời gian cho phép ({detail})", "en": "ran past the time limit ({detail})"},
    "batch.crash": {"vi": "tiến trình phân tích bị dừng đột ngột ({detail})", "en": "the analysing process stopped abruptly ({detail})"},
    "batch.interrupted": {"vi": "lần chạy bị ngắt khi đang phân tích tệp này", "en": "the run was interrupted while this file was being analysed"},
    "batch.gave_up": {"vi": "Không phân tích được “{name}” sau {attempts} lần thử: {reason}. Tệp gốc không bị thay đổi.", "en": "Could not analyse “{name}” after {attempts} tries: {reason}. The original file was not changed."},
    # --- index page ----------------------------------------------------------------------------
    "batch.index.title": {"vi": "Sàng lọc hàng loạt: kết quả", "en": "Batch pre-screening: results"},
    "batch.index.intro": {"vi": "{n} mục trong thư mục “{root}”, sắp xếp theo mức rủi ro. Đây là bước sàng lọc đầu tiên, không phải kết luận giám định.", "en": "{n} entries of the folder “{root}”, sorted by risk. This is a first sort, not a forensic conclusion."},
    "batch.index.counts": {"vi": "Đã phân tích: {analysed}; không phân tích được: {failed}; trùng nội dung: {duplicates}.", "en": "Analysed: {analysed}; could not be analysed: {failed}; same content as another file: {duplicates}."},
    "batch.col.path": {"vi": "Tệp", "en": "File"},
    "batch.col.level": {"vi": "Mức", "en": "Level"},
    "batch.col.risk": {"vi": "Rủi ro", "en": "Risk"},
    "batch.col.status": {"vi": "Tình trạng", "en": "Status"},
    "batch.col.reports": {"vi": "Báo cáo", "en": "Reports"},
    "batch.status.analysed": {"vi": "đã phân tích", "en": "analysed"},
    "batch.status.skipped": {"vi": "bỏ qua", "en": "left out"},
    "batch.status.duplicate": {"vi": "trùng nội dung với {path}", "en": "same content as {path}"},
    "batch.status.gave_up": {"vi": "bỏ cuộc", "en": "gave up"},
    # --- verify (chain of custody) -------------------------------------------------------------
    "verify.ok": {"vi": "KHỚP: SHA-256 của “{file}” trùng với báo cáo ({sha256}).", "en": "MATCH: the SHA-256 of “{file}” equals the report's ({sha256})."},
    "verify.mismatch": {"vi": "KHÔNG KHỚP: SHA-256 của “{file}” là {actual}, báo cáo ghi {expected}. Tệp này không phải tệp đã được phân tích, hoặc đã bị thay đổi.", "en": "MISMATCH: the SHA-256 of “{file}” is {actual}, the report says {expected}. This is not the analysed file, or it was changed."},
    "verify.bad_report": {"vi": "Không đọc được báo cáo “{report}”: {detail}.", "en": "Could not read the report “{report}”: {detail}."},
}
