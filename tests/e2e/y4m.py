"""Make a Chromium fake-camera file (YUV4MPEG2, 4:2:0, limited range) from a photo."""

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


def photo_to_y4m(
    photo: Path,
    out: Path,
    width: int = 640,
    height: int = 480,
    frames: int = 5,
    noise: float = 0.0,
) -> Path:
    """Fit the photo inside the frame without stretching, pad with grey, write Y4M.

    `noise` adds a camera's sensor noise (standard deviation in levels), new in
    every frame: two shots are then never the same pixels, as with a real camera.
    """
    with Image.open(photo) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img.thumbnail((width, height), Image.Resampling.LANCZOS)
        canvas = Image.new("RGB", (width, height), (128, 128, 128))
        canvas.paste(img, ((width - img.width) // 2, (height - img.height) // 2))
    rgb = np.asarray(canvas, dtype=np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    # BT.601 limited range: Y in 16..235, Cb/Cr in 16..240.
    y = 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256
    cb = 128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256
    cr = 128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256

    def subsample(plane):
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    planes = [y, subsample(cb), subsample(cr)]
    rng = np.random.default_rng(0)
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1\n".encode())
        for _ in range(frames):
            luma = y + rng.normal(0, noise, y.shape) if noise else y
            frame = b"".join(
                np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes()
                for p in [luma, *planes[1:]]
            )
            fh.write(b"FRAME\n" + frame)
    return out
