/*
 * A stand-in for bcryptprimitives.dll, for scripts/release-test.sh only.
 *
 * Go's Windows runtime (Go 1.22 and later) gets its random numbers from
 * ProcessPrng in bcryptprimitives.dll, which Windows 10 and later have and
 * Debian 12's wine 8.0 does not: without it the app stops before main.
 * The release test compiles this with mingw-w64 into the system32 folder
 * of its throwaway wine prefix, so the installed app can be started under
 * wine; it is never shipped.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
