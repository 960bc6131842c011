package qrscan

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
)

// DecodeFile returns the text of the QR code in a PNG or JPEG file. The
// file's header is checked against the limits before its pixels are
// decoded, so a small file claiming a huge picture costs nothing.
func DecodeFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return "", err
	}
	if len(data) > MaxFileSize {
		return "", fmt.Errorf("%w: the file is larger than %d MB", ErrTooLarge, MaxFileSize>>20)
	}
	img, err := decodeImage(data)
	if err != nil {
		return "", err
	}
	return Decode(img)
}

// decodeImage decodes PNG or JPEG only, whatever other formats the
// program has registered with package image, after checking dimensions.
func decodeImage(data []byte) (image.Image, error) {
	var (
		decodeConfig func(io.Reader) (image.Config, error)
		decode       func(io.Reader) (image.Image, error)
	)
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	default:
		return nil, ErrFormat
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := checkSize(cfg); err != nil {
		return nil, err
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the picture is damaged: %w", err)
	}
	return img, nil
}

// checkSize refuses a picture whose pixels or decoded size pass the limits.
func checkSize(cfg image.Config) error {
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: it has no pixels", ErrFormat)
	}
	if w > MaxSide || h > MaxSide || w*h > MaxPixels || w*h*bytesPerPixel(cfg.ColorModel) > maxDecoded {
		return fmt.Errorf("%w: %d×%d pixels (at most %d megapixels)", ErrTooLarge, w, h, MaxPixels/1_000_000)
	}
	return nil
}

// bytesPerPixel is what the decoder allocates per pixel for a colour model.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}
