import { defineMessages } from "../define";

/** One-line confirmations shown after a redirect (?notice=key). */
export const notices = defineMessages({
  ko: {
    saved: "저장했습니다.",
    registered: "등록했습니다. 운영기관의 확인을 기다리고 있습니다.",
    welcome: "가입을 환영합니다! 환영 메일을 보냈습니다.",
    loggedIn: "로그인했습니다.",
    loggedOut: "로그아웃했습니다.",
    passwordReset: "비밀번호를 바꿨습니다. 새 비밀번호로 로그인하세요.",
    invited: "초대 메일을 보냈습니다.",
    joined: "기업의 구성원이 되었습니다.",
    verified: "기업을 확인했습니다.",
    held: "기업 확인을 보류하고 사유를 전달했습니다.",
    granted: "역할을 부여했습니다.",
    revoked: "역할을 회수했습니다.",
    clockAdvanced: "시간을 옮기고 예약 작업을 실행했습니다.",
  },
  en: {
    saved: "Saved.",
    registered: "Registered. The host will verify the details.",
    welcome: "Welcome! We sent you a welcome e-mail.",
    loggedIn: "You are logged in.",
    loggedOut: "You have been logged out.",
    passwordReset: "Your password was changed. Log in with the new password.",
    invited: "The invitation was sent.",
    joined: "You are now a member of the enterprise.",
    verified: "The enterprise is verified.",
    held: "Verification is on hold; the reason was sent to the enterprise.",
    granted: "Role granted.",
    revoked: "Role revoked.",
    clockAdvanced: "Time moved and scheduled work ran.",
  },
});

export type NoticeKey = keyof typeof notices.ko;
