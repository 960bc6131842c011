package qrscan

// DecodeBytes returns the text of the QR code in a PNG or JPEG held in
// memory (a file the user opened through a dialog), with the same limits
// as DecodeFile.
func DecodeBytes(data []byte) (string, error) {
	if len(data) > MaxFileSize {
		return "", ErrTooLarge
	}
	img, err := decodeImage(data)
	if err != nil {
		return "", err
	}
	return Decode(img)
}
