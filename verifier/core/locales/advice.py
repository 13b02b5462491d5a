"""Messages of the advice (verifier/outputs/advice.py): situation questions, caution levels, reasons,
actions, and the plan's "4 không, 2 phải" (Kế hoạch 129/KH-UBND, UBND tỉnh Vĩnh Phúc, 2023).

Only facts that hold everywhere in Vietnam; no phone numbers (they differ by place and change).
"""

MESSAGES = {
    # --- situation questions (yes/no) ------------------------------------------------------
    "advice.q.title": {"vi": "Tình huống cuộc gọi", "en": "What happened in the call"},
    "advice.q.hint": {
        "vi": "Đánh dấu những điều đã xảy ra. Các câu trả lời chỉ dùng để đưa lời khuyên, không được lưu hay gửi đi đâu.",
        "en": "Tick what happened. The answers are only used for the advice; they are not stored or sent anywhere.",
    },
    "advice.q.money_or_otp": {
        "vi": "Người gọi nhờ chuyển tiền, vay tiền, hoặc hỏi mã OTP / mã xác thực?",
        "en": "Did the caller ask you to transfer or lend money, or ask for an OTP / verification code?",
    },
    "advice.q.urgent_or_secret": {
        "vi": "Người gọi giục làm ngay, hoặc dặn giữ bí mật, đừng nói với ai?",
        "en": "Were you pressed to act right now, or told to keep it secret?",
    },
    "advice.q.account_not_in_name": {
        "vi": "Tài khoản nhận tiền không mang tên người đó?",
        "en": "Is the receiving account in someone else's name?",
    },
    "advice.q.evasive_call": {
        "vi": "Cuộc gọi rất ngắn, lấy cớ “mạng yếu”, hoặc người gọi không chịu quay mặt sang bên hay đưa tay qua mặt khi được nhờ?",
        "en": "Was the call very short, blamed on a “weak signal”, or did the caller refuse to turn their head or pass a hand in front of their face when asked?",
    },
    "advice.q.new_contact": {
        "vi": "Người đó liên lạc từ tài khoản mới, số điện thoại mới hoặc ứng dụng lạ?",
        "en": "Did they contact you from a new account, a new phone number or an unusual app?",
    },
    # --- overall caution -------------------------------------------------------------------
    "advice.title": {"vi": "Cần làm gì", "en": "What to do"},
    "advice.caution.label": {"vi": "Mức cảnh giác", "en": "Caution"},
    "advice.caution.verify": {
        "vi": "Hãy xác minh trước khi làm theo bất cứ yêu cầu nào",
        "en": "Verify before doing anything you are asked",
    },
    "advice.caution.elevated": {
        "vi": "Cần cảnh giác cao: có dấu hiệu đáng ngờ",
        "en": "Be very careful: there are suspicious signs",
    },
    "advice.caution.strong": {
        "vi": "DỪNG LẠI: rất giống thủ đoạn lừa đảo",
        "en": "STOP: this looks very much like a scam",
    },
    "advice.reasons.label": {"vi": "Vì sao", "en": "Why"},
    "advice.actions.label": {"vi": "Nên làm ngay", "en": "Do this now"},
    # --- reasons ---------------------------------------------------------------------------
    "advice.reason.money_and_urgency": {
        "vi": "Bị nhờ chuyển tiền hoặc hỏi mã OTP kèm theo giục giã, giữ bí mật: đây là dấu hiệu điển hình của lừa đảo, dù video trông thật đến đâu.",
        "en": "Being asked for money or an OTP together with urgency or secrecy is the typical pattern of a scam, however real the video looks.",
    },
    "advice.reason.money_other_account": {
        "vi": "Bị nhờ chuyển tiền vào tài khoản không mang tên người thân: người thân thật không cần làm vậy.",
        "en": "You were asked to send money to an account not in your relative's name: a real relative has no need for that.",
    },
    "advice.reason.money": {
        "vi": "Có yêu cầu về tiền hoặc mã OTP: luôn xác minh qua kênh khác trước.",
        "en": "Money or an OTP was asked for: always verify through another channel first.",
    },
    "advice.reason.urgency": {
        "vi": "Giục giã hoặc đòi giữ bí mật là cách kẻ gian khiến nạn nhân không kịp kiểm tra.",
        "en": "Urgency or secrecy is how scammers stop people from checking.",
    },
    "advice.reason.other_account": {
        "vi": "Tài khoản nhận tiền không mang tên người đó.",
        "en": "The receiving account is not in the person's name.",
    },
    "advice.reason.evasive": {
        "vi": "Cuộc gọi chớp nhoáng, lấy cớ mạng yếu hay tránh cử động là cách che đi những chỗ lỗi của video giả.",
        "en": "A very short call, a “weak signal” excuse or avoiding movement are ways to hide the flaws of a fake video.",
    },
    "advice.reason.new_contact": {
        "vi": "Tài khoản hoặc số mới có thể là của kẻ gian mạo danh, hoặc tài khoản cũ đã bị chiếm.",
        "en": "A new account or number may belong to an impostor, or the old account may have been taken over.",
    },
    "advice.reason.tech_high": {
        "vi": "Phân tích kỹ thuật thấy nhiều dấu hiệu giả mạo trong đoạn ghi.",
        "en": "The technical analysis found strong signs of manipulation in the recording.",
    },
    "advice.reason.tech_medium": {
        "vi": "Phân tích kỹ thuật thấy một số dấu hiệu đáng ngờ trong đoạn ghi.",
        "en": "The technical analysis found some suspicious signs in the recording.",
    },
    "advice.reason.tech_low": {
        "vi": "Phân tích kỹ thuật ít thấy dấu hiệu giả, nhưng điều đó KHÔNG chứng minh cuộc gọi là thật: video giả tốt có thể qua mặt công cụ.",
        "en": "The technical analysis found few signs of manipulation, but that does NOT prove the call is real: a good fake can fool the tool.",
    },
    "advice.reason.tech_inconclusive": {
        "vi": "Phân tích kỹ thuật không đủ dữ liệu để kết luận, nên chỉ dựa vào tình huống và việc xác minh.",
        "en": "The technical analysis had too little data to conclude, so rely on the situation and on verifying.",
    },
    "advice.reason.not_analysed": {
        "vi": "Chưa phân tích đoạn ghi nào. Lời khuyên dưới đây dựa vào tình huống bạn đánh dấu.",
        "en": "No recording has been analysed yet. The advice below is based on the situation you ticked.",
    },
    # --- actions ---------------------------------------------------------------------------
    "advice.do.stop_now": {
        "vi": "Đừng chuyển tiền, đừng đọc mã OTP. Dừng cuộc trò chuyện và xác minh trước đã.",
        "en": "Do not transfer money and do not read out any OTP. End the conversation and verify first.",
    },
    "advice.do.no_otp": {
        "vi": "Không bao giờ đọc mã OTP, mật khẩu hay mã thẻ cho ai, kể cả người xưng là người thân, ngân hàng hay công an.",
        "en": "Never give an OTP, password or card code to anyone, even someone claiming to be a relative, the bank or the police.",
    },
    "advice.do.ask_move": {
        "vi": "Nếu gọi video lại, hãy nhờ người đó quay mặt sang hai bên và đưa tay qua mặt. Từ chối là dấu hiệu đáng ngờ; làm được cũng chưa chứng minh là thật.",
        "en": "If you video-call again, ask them to turn their head to each side and pass a hand in front of the face. Refusing is suspicious; doing it still does not prove it is real.",
    },
    "advice.do.old_channel": {
        "vi": "Liên lạc lại qua tài khoản hoặc số điện thoại cũ mà bạn vẫn dùng với người đó, không qua tài khoản mới.",
        "en": "Get back in touch through the old account or number you always use with that person, not the new one.",
    },
    "advice.do.call_back_saved": {
        "vi": "Tắt máy rồi tự gọi lại cho người đó bằng số điện thoại bạn đã lưu từ trước (không dùng số vừa gọi đến).",
        "en": "Hang up and call the person back yourself on the number you had already saved (not the number that just called).",
    },
    "advice.do.ask_secret": {
        "vi": "Hỏi một điều chỉ người thật mới biết, hoặc dùng “mật khẩu gia đình” đã thống nhất trước.",
        "en": "Ask something only the real person knows, or use a family code word agreed in advance.",
    },
    "advice.do.no_other_name_account": {
        "vi": "Không chuyển tiền vào tài khoản không mang tên chính người đó.",
        "en": "Never transfer money to an account that is not in the person's own name.",
    },
    "advice.do.police_no_video": {
        "vi": "Công an không làm việc qua cuộc gọi video hay mạng xã hội, và không bao giờ yêu cầu chuyển tiền hay đọc mã OTP.",
        "en": "The police do not work through video calls or social media, and never ask you to transfer money or read out an OTP.",
    },
    "advice.do.report_police": {
        "vi": "Khi nghi ngờ, báo ngay cho Công an xã, phường nơi bạn ở để được hướng dẫn.",
        "en": "If in doubt, report it right away to your local police (Công an xã/phường) for guidance.",
    },
    "advice.do.keep_evidence": {
        "vi": "Giữ lại bằng chứng: tệp ghi cuộc gọi (đừng sửa), ảnh chụp tin nhắn, số tài khoản, tên tài khoản gọi đến, và báo cáo của công cụ này (có mã SHA-256 của tệp).",
        "en": "Keep the evidence: the call recording (unedited), screenshots of messages, the account number, the caller's account name, and this tool's report (with the file's SHA-256).",
    },
    "advice.do.if_sent_call_bank": {
        "vi": "Nếu lỡ chuyển tiền: gọi ngay ngân hàng của bạn qua số in trên thẻ hoặc trong ứng dụng chính thức để đề nghị hỗ trợ, rồi báo công an.",
        "en": "If you already sent money: call your bank at once on the number printed on your card or in its official app to ask for help, then report to the police.",
    },
    # --- the plan's "4 không, 2 phải" --------------------------------------------------------
    "advice.plan.title": {"vi": "“4 không, 2 phải”", "en": "“4 don'ts, 2 musts”"},
    "advice.plan.source": {
        "vi": "Theo khẩu hiệu tuyên truyền của Kế hoạch 129/KH-UBND (UBND tỉnh Vĩnh Phúc, 17/4/2023) về phòng, chống lừa đảo trên không gian mạng.",
        "en": "From the awareness slogan of Plan 129/KH-UBND (Vĩnh Phúc Provincial People's Committee, 17 April 2023) against online fraud.",
    },
    "advice.plan.no_fear": {
        "vi": "Không sợ: không hoảng sợ khi nhận cuộc gọi, tin nhắn có nội dung xấu về bạn hay người thân.",
        "en": "No fear: do not panic at calls or messages with bad news about you or your family.",
    },
    "advice.plan.no_greed": {
        "vi": "Không tham: không tin lời báo trúng thưởng hay khoản tiền lớn không rõ nguồn gốc.",
        "en": "No greed: do not believe news of prizes or large sums of unknown origin.",
    },
    "advice.plan.no_strangers": {
        "vi": "Không kết bạn với người lạ trên mạng, không cung cấp thông tin cá nhân cho họ.",
        "en": "No strangers: do not befriend unknown people online or give them personal information.",
    },
    "advice.plan.no_doing": {
        "vi": "Không làm: người không quen biết yêu cầu cung cấp thông tin hay chuyển tiền thì tuyệt đối không làm theo.",
        "en": "Don't do it: never follow requests from people you do not know to give information or transfer money.",
    },
    "advice.plan.must_vigilant": {
        "vi": "Phải thường xuyên cảnh giác, bảo mật thông tin cá nhân (căn cước, tài khoản ngân hàng, tài khoản mạng xã hội).",
        "en": "Always stay alert and keep personal information private (ID card, bank and social media accounts).",
    },
    "advice.plan.must_report": {
        "vi": "Phải tố giác ngay với cơ quan pháp luật khi có nghi ngờ lừa đảo, để được hướng dẫn xử lý.",
        "en": "Report to the authorities at once when you suspect fraud, to get guidance.",
    },
}
