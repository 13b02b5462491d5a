"""Training of the face-crop forgery detector on Self-Blended Images (issue 9).

    python -m training.sbi list    --shared ../shared/data            # (re)write training/sbi/data_list.tsv
    python -m training.sbi prepare --shared ../shared/data            # landmarks + aligned crops -> cache
    python -m training.sbi train   --out runs/sbi --seed 0            # resumes if runs/sbi/ckpt.pt exists
    python -m training.sbi eval    --ckpt runs/sbi/ckpt.pt            # held-out real clips + all fakes
    python -m training.sbi export  --ckpt runs/sbi/ckpt.pt --name ... # fp16 weights + provenance JSON
    python -m training.sbi codec-probe   --ckpt r1=... --out probe.json  # round 4: photos through H.264/VP8/VP9/JPEG; occlusion
    python -m training.sbi context-probe --ckpt r1=... --out ctx.json    # round 4: video crops with the photos' context

Outside the runtime package: only the network (verifier/analysis/video/lite0.py) and the face
alignment (verifier/analysis/video/align.py) are shared with inference.
"""
