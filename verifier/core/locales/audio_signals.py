"""Messages of the explainable audio side signals (noise floor, bandwidth, breath, prosody).

Plain words for citizens, Vietnamese first. None of these says a voice is real or safe:
they describe what was heard; the voice detector and a call-back decide.
"""

MESSAGES = {
    # --- noise floor / digital silence --------------------------------------------------
    "noise_floor.name": {"vi": "Tiếng nền lúc ngừng nói", "en": "Background sound in pauses"},
    "noise_floor.normal_range": {
        "vi": "Ghi âm bằng điện thoại hay micro trong phòng thường có tiếng nền nhỏ giữa các câu, thấp hơn giọng nói khoảng 25–55 dB. Khoảng lặng tuyệt đối (số 0) ở đầu hoặc cuối tệp thường do cắt ghép hay định dạng, nên không được tính.",
        "en": "Recordings made with a phone or a microphone in a room usually keep a little background sound between sentences, about 25–55 dB below the voice. Exact digital silence at the very start or end of a file usually comes from trimming or the file format, so it is not counted."},
    "noise_floor.value": {
        "vi": "Tiếng nền lúc ngừng nói {noise_floor_dbfs} dBFS ({floor_re_speech_db} dB so với giọng), {pause_count} lần ngừng, {digital_silence_s} giây im lặng tuyệt đối giữa các câu",
        "en": "Background level in pauses {noise_floor_dbfs} dBFS ({floor_re_speech_db} dB re. the voice), {pause_count} pauses, {digital_silence_s} s of digital silence between sentences"},
    "noise_floor.room_noise": {
        "vi": "Giữa các câu vẫn nghe có tiếng nền như khi ghi âm thật. Đây chỉ là dấu hiệu yếu: giọng giả cũng có thể được trộn thêm tiếng nền.",
        "en": "There is background sound between sentences, as in a live recording. This is only weak evidence: a fake voice can have noise mixed in too."},
    "noise_floor.clean_pauses": {
        "vi": "Giữa các câu gần như hoàn toàn yên lặng, sạch hơn phần lớn bản ghi âm thật. Giọng máy tạo thường như vậy, nhưng phòng thu hoặc tính năng lọc ồn của ứng dụng cũng có thể gây ra.",
        "en": "The pauses between sentences are almost perfectly quiet, cleaner than most live recordings. Machine-made voices are often like this, but a studio or an app's noise filter can do it too."},
    "noise_floor.digital_silence": {
        "vi": "Giữa các câu có đoạn im lặng tuyệt đối (tín hiệu bằng 0), điều mà micro thật không tạo ra. Có thể do âm thanh bị cắt ghép hoặc do máy tạo giọng; một số ứng dụng tự tắt tiếng khi không nói cũng gây ra điều này.",
        "en": "Between sentences there are stretches of exact digital silence (the signal is zero), which a live microphone does not produce. The sound may have been edited or machine-made; some apps that mute when nobody speaks also cause this."},
    "noise_floor.no_pauses": {
        "vi": "Không có chỗ ngừng nói đủ dài giữa các câu để đo tiếng nền.",
        "en": "There is no pause between sentences long enough to measure the background sound."},
    "noise_floor.no_speech": {
        "vi": "Không nghe thấy tiếng nói, nên không đo tiếng nền.",
        "en": "No speech was heard, so the background sound was not measured."},
    # --- bandwidth ------------------------------------------------------------------------
    "bandwidth.name": {"vi": "Dải tần của âm thanh", "en": "Sound bandwidth"},
    "bandwidth.normal_range": {
        "vi": "Cuộc gọi điện thoại thường chỉ có âm thanh đến khoảng 3,4–4 kHz; tin nhắn thoại qua ứng dụng thường đến 6–8 kHz. Dải tần cho biết âm thanh đã đi qua kênh nào, không cho biết giọng thật hay giả.",
        "en": "Phone calls usually carry sound only up to about 3.4–4 kHz; voice messages in apps usually reach 6–8 kHz. The bandwidth tells which channel the sound went through, not whether the voice is real or fake."},
    "bandwidth.value": {
        "vi": "Âm thanh có đến khoảng {cutoff_khz} kHz",
        "en": "The sound reaches up to about {cutoff_khz} kHz"},
    "bandwidth.full": {
        "vi": "Âm thanh có đủ dải tần mà tệp cho phép. Điều này không nói lên giọng thật hay giả.",
        "en": "The sound uses the full bandwidth the file allows. This says nothing about whether the voice is real or fake."},
    "bandwidth.narrowband": {
        "vi": "Âm thanh bị cắt gọn ở khoảng 4 kHz, giống cuộc gọi điện thoại thường. Các chi tiết cao bị mất, nên mọi kiểm tra giọng nói kém chắc chắn hơn.",
        "en": "The sound is cut off sharply at about 4 kHz, like an ordinary phone call. High details are lost, so every voice check is less certain."},
    "bandwidth.limited": {
        "vi": "Âm thanh bị cắt gọn ở tần số cao: nó đã được nén hoặc chuyển đổi trên đường đi (ứng dụng nhắn tin, ghi âm lại, hoặc phần mềm tạo giọng). Riêng điều này không phải dấu hiệu giả.",
        "en": "The sound is cut off sharply at high pitch: it was compressed or converted on the way (a messaging app, re-recording, or voice software). This alone is not a sign of fake."},
    "bandwidth.gradual": {
        "vi": "Âm thanh nhỏ dần ở tần số cao, không có điểm cắt rõ. Riêng điều này không phải dấu hiệu giả.",
        "en": "The sound fades out gradually at high pitch, with no sharp cut-off. This alone is not a sign of fake."},
    "bandwidth.no_speech": {
        "vi": "Có quá ít tiếng nói để đo dải tần.",
        "en": "There is too little speech to measure the bandwidth."},
    # --- breath ---------------------------------------------------------------------------
    "breath.name": {"vi": "Tiếng lấy hơi", "en": "Breathing sounds"},
    "breath.normal_range": {
        "vi": "Khi nói liền một lúc, người thật thường lấy hơi vài giây một lần, trước khi bắt đầu câu mới; tiếng hít vào nghe được hay không còn tùy micro và ứng dụng.",
        "en": "When talking for a while, real people usually breathe in every few seconds, just before a new sentence; whether the breath can be heard depends on the microphone and the app."},
    "breath.value": {
        "vi": "{breath_count} tiếng lấy hơi trong {pause_count} lần ngừng nói",
        "en": "{breath_count} breaths heard in {pause_count} pauses"},
    "breath.present": {
        "vi": "Nghe thấy tiếng lấy hơi trước các câu, như khi người thật nói. Đây chỉ là dấu hiệu yếu: một số máy tạo giọng mới cũng tạo ra tiếng thở.",
        "en": "Breathing can be heard before sentences, as when a person speaks. This is only weak evidence: some recent voice generators add breaths too."},
    "breath.few": {
        "vi": "Nghe thấy rất ít tiếng lấy hơi so với số lần ngừng nói.",
        "en": "Very few breaths can be heard for the number of pauses."},
    "breath.none": {
        "vi": "Nói khá lâu, ngừng nhiều lần nhưng không nghe thấy tiếng lấy hơi nào. Giọng máy tạo thường như vậy, nhưng micro xa hoặc tính năng lọc ồn cũng có thể làm mất tiếng thở.",
        "en": "Long speech with many pauses, yet not one breath can be heard. Machine-made voices are often like this, but a distant microphone or a noise filter can also remove breathing sounds."},
    "breath.few_pauses": {
        "vi": "Có quá ít chỗ ngừng nói để đánh giá tiếng lấy hơi.",
        "en": "There are too few pauses to judge the breathing."},
    "breath.no_pauses": {
        "vi": "Không có chỗ ngừng nói nào giữa các câu, nên không tìm tiếng lấy hơi.",
        "en": "There is no pause between sentences, so breathing was not looked for."},
    "breath.no_speech": {
        "vi": "Không nghe thấy tiếng nói, nên không tìm tiếng lấy hơi.",
        "en": "No speech was heard, so breathing was not looked for."},
    # --- prosody --------------------------------------------------------------------------
    "prosody.name": {"vi": "Ngữ điệu giọng nói", "en": "Intonation"},
    "prosody.normal_range": {
        "vi": "Khi nói chuyện, cao độ giọng người thật lên xuống liên tục, thường dao động khoảng 1,5–6 nửa cung (tiếng Việt có thanh điệu nên thường dao động nhiều hơn).",
        "en": "In conversation a real voice keeps rising and falling in pitch, usually by about 1.5–6 semitones (tonal languages such as Vietnamese usually vary more)."},
    "prosody.value": {
        "vi": "Cao độ trung bình {f0_median_hz} Hz, độ dao động {f0_std_st} nửa cung, trong {voiced_s} giây có giọng",
        "en": "Median pitch {f0_median_hz} Hz, variation {f0_std_st} semitones, over {voiced_s} s of voiced speech"},
    "prosody.normal": {
        "vi": "Cao độ giọng lên xuống trong khoảng thường gặp khi nói chuyện. Máy tạo giọng hiện nay cũng làm được như vậy, nên đây không phải bằng chứng giọng thật.",
        "en": "The pitch rises and falls within the usual range of conversation. Today's voice generators can do this too, so this is no proof of a real voice."},
    "prosody.monotone": {
        "vi": "Giọng đều đều, cao độ ít thay đổi hơn người nói chuyện bình thường. Giọng máy tạo đôi khi như vậy, nhưng người đọc chậm hoặc mệt mỏi cũng có thể nói đều đều.",
        "en": "The voice is flat: its pitch moves less than in ordinary conversation. Machine-made voices are sometimes like this, but a tired person or someone reading slowly can sound flat too."},
    "prosody.very_variable": {
        "vi": "Cao độ thay đổi rất mạnh (có thể do hát, la hét, nhiều người nói hoặc tiếng ồn). Không dùng để đánh giá.",
        "en": "The pitch varies very strongly (singing, shouting, several voices or noise can cause this). Not used for the assessment."},
    "prosody.no_voice": {
        "vi": "Có quá ít đoạn có giọng rõ để đo ngữ điệu.",
        "en": "There is too little clearly voiced speech to measure intonation."},
}
