"""Messages of the model registry (verifier/registry.py) and of the set-up checks (verifier/doctor.py)."""

MESSAGES = {
    "model.missing": {
        "vi": "Chưa có tệp mô hình {file} ({model}) nên phần kiểm tra dùng nó CHƯA chạy (đây không phải kết quả). Chạy: {command}",
        "en": "The model file {file} ({model}) is missing, so the check that needs it was NOT run (this is not a result). Run: {command}",
    },
    "model.corrupt": {
        "vi": "Tệp mô hình {file} ({model}) bị hỏng hoặc không đúng bản (kích thước hoặc mã SHA-256 không khớp) nên phần kiểm tra dùng nó CHƯA chạy. Chạy: {command}",
        "en": "The model file {file} ({model}) is damaged or the wrong version (size or SHA-256 mismatch), so the check that needs it was NOT run. Run: {command}",
    },
    "model.install_failed": {
        "vi": "Không cài được tệp mô hình {file} ({model}): {detail}. Hãy tải tệp từ {url} rồi chạy: verifier models install {model} --from THƯ_MỤC_CHỨA_TỆP (hoặc đặt tệp vào {dest}).",
        "en": "Could not install the model file {file} ({model}): {detail}. Download it from {url}, then run: verifier models install {model} --from FOLDER_WITH_THE_FILE (or put it at {dest}).",
    },
    "doctor.mediapipe_missing": {
        "vi": "Thiếu mediapipe (cần để tìm khuôn mặt trong video): {detail}. Cài bằng: {command}",
        "en": "mediapipe is missing (needed to find faces in videos): {detail}. Install it with: {command}",
    },
    "doctor.mediapipe_ok": {
        "vi": "mediapipe {version}: FaceMesh dùng được.",
        "en": "mediapipe {version}: FaceMesh works.",
    },
    "doctor.mediapipe_no_deps": {
        "vi": "mediapipe được cài riêng với --no-deps (các phụ thuộc khai báo của nó kéo theo jax và một bản OpenCV có giao diện đồ hoạ thay thế bản headless).",
        "en": "mediapipe is installed separately with --no-deps (its declared dependencies would pull in jax and a GUI OpenCV build that replaces the headless one).",
    },
}
