"""Messages of the model registry (verifier/analysis/registry.py) and of the set-up checks (verifier/cli/doctor.py)."""

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
    # verifier doctor: which runtime runs the voice network (verifier/cli/doctor.py check_voice_backend)
    "doctor.voice_backend_onnx": {
        "vi": "Mô hình giọng nói (AASIST-L) chạy bằng ONNX Runtime (bản xuất tạo lúc cài đặt, nhanh); nhận diện lời nói (Silero VAD): {vad}.",
        "en": "The voice network (AASIST-L) runs on ONNX Runtime (the export made at set-up, fast); speech activity (Silero VAD): {vad}.",
    },
    "doctor.voice_backend_torch": {
        "vi": "Mô hình giọng nói (AASIST-L) chạy bằng torch (chậm hơn khoảng 1,5–2 giây mỗi lần phân tích) vì: {detail}. Để dùng ONNX Runtime, chạy: {command}. Nhận diện lời nói (Silero VAD): {vad}.",
        "en": "The voice network (AASIST-L) runs on torch (about 1.5-2 s slower per analysis) because: {detail}. To use ONNX Runtime, run: {command}. Speech activity (Silero VAD): {vad}.",
    },
    "doctor.voice_backend_none": {
        "vi": "Mô hình giọng nói (AASIST-L) không nạp được: {detail}. Nhận diện lời nói (Silero VAD): {vad}.",
        "en": "The voice network (AASIST-L) could not be loaded: {detail}. Speech activity (Silero VAD): {vad}.",
    },
}
