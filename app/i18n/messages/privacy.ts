import { defineMessages } from "../define";

// Consent texts are versioned (app/privacy/consents.ts): changing one means a new version.
interface ConsentText {
  title: string;
  purpose: string;
  items: string;
  retention: string;
  refusal: string;
  agree: string;
}

interface PolicySection {
  heading: string;
  paragraphs: string[];
  list?: string[];
}

const ko = {
  consents: {
    account: {
      title: "[필수] 개인정보 수집·이용 동의",
      purpose: "회원 가입과 로그인, 후원·결제·영수증 발급과 환불, 기업 등록·공모 신청·심사·자활기금 업무의 처리, 문의 응대",
      items: "이메일 주소, 이름(표시 이름), 비밀번호(암호화하여 저장), 만 14세 이상 여부. 후원할 때: 금액, 종류, 리워드, 응원 메시지, 이름 표시 방법, 기업 후원이면 기업명과 사업자등록번호. 이용 중 자동으로: 접속 IP 주소, 브라우저 정보, 로그인 일시",
      retention: "회원 탈퇴 시까지. 다만 법령이 보존을 요구하는 후원·결제 기록은 이름과 연락처를 지운 채 5년간 보관합니다(개인정보처리방침 참조).",
      refusal: "동의를 거부할 권리가 있습니다. 다만 이 항목은 서비스 제공에 꼭 필요하므로, 거부하면 회원 가입과 후원을 할 수 없습니다. 가입하지 않아도 캠페인과 공개 장부는 볼 수 있습니다.",
      agree: "위 내용을 읽었으며 개인정보 수집·이용에 동의합니다 (필수)",
    } satisfies ConsentText,
    campaignEmails: {
      title: "[선택] 새 캠페인 소식 이메일 수신 동의",
      purpose: "새 캠페인과 공모전 소식을 이메일로 알려 드립니다.",
      items: "이메일 주소, 이름",
      retention: "동의를 철회하거나 회원 탈퇴할 때까지",
      refusal: "동의하지 않아도 가입과 모든 서비스 이용에 아무런 제한이 없습니다. 내 정보 페이지에서 언제든 바꿀 수 있습니다.",
      agree: "새 캠페인 소식을 이메일로 받겠습니다 (선택)",
    } satisfies ConsentText,
    purposeLabel: "수집·이용 목적",
    itemsLabel: "수집 항목",
    retentionLabel: "보유·이용 기간",
    refusalLabel: "동의 거부 권리와 불이익",
    ageLegend: "나이 확인",
    ageHint: "만 14세 미만 아동의 개인정보는 법정대리인의 동의가 있어야 처리할 수 있습니다.",
    ageGroups: { "14_or_older": "만 14세 이상입니다", under_14: "만 14세 미만입니다" },
    policyLink: "개인정보처리방침 전문 보기",
  },
  account: {
    title: "개인정보",
    consentsTitle: "동의 내역",
    consentRow: (version: string, at: string) => `문서 버전 ${version} · ${at}`,
    granted: "동의함",
    withdrawn: "동의하지 않음",
    noRecord: "기록 없음 (이 기능이 생기기 전에 가입)",
    campaignEmailsOn: "새 캠페인 소식 이메일 받기",
    campaignEmailsOff: "새 캠페인 소식 이메일 그만 받기",
    downloadTitle: "내 데이터 내려받기",
    downloadIntro: "프로필, 후원 내역과 영수증 코드, 동의 기록을 파일로 받을 수 있습니다.",
    downloadJson: "JSON으로 받기",
    downloadCsv: "CSV로 받기",
    deleteTitle: "회원 탈퇴",
    deleteIntro: "탈퇴하면 이름, 이메일, 비밀번호와 접속 기록이 지워지고 모든 기기에서 로그아웃됩니다.",
    deleteLink: "탈퇴 안내와 신청",
  },
  deletion: {
    title: "회원 탈퇴",
    whatHappens: "탈퇴하면",
    erased: [
      "이름, 이메일 주소, 비밀번호를 지우고 계정을 ‘탈퇴한 회원’으로 바꿉니다. 다시 로그인할 수 없습니다.",
      "모든 기기의 로그인을 끊고, 접속 IP와 브라우저 정보, 비밀번호 재설정 링크, 보내거나 보낼 메일을 지웁니다.",
      "후원자 목록에서는 익명으로 표시하고 응원 메시지를 지웁니다.",
      "기업 구성원에서 빠집니다. 기업과 그 기록은 남습니다.",
    ],
    keptTitle: "남는 것",
    kept: [
      "후원·결제·환불 기록(금액, 날짜, 캠페인, 영수증 코드, 기업 후원의 기업명·사업자등록번호)은 전자상거래법과 세법에 따라 5년간 보관합니다. 이름과 연락처 없이, 탈퇴한 회원 번호로만 남습니다.",
      "공개 장부는 바뀌지 않습니다. 장부에는 처음부터 이름이 없고 영수증 코드로만 확인되는 값이 있습니다.",
      "동의 기록은 동의를 받았다는 증명으로 남습니다.",
    ],
    blockedTitle: "지금은 탈퇴할 수 없습니다",
    blockedIntro: "아래 일이 끝나야 탈퇴할 수 있습니다. 아무것도 바뀌지 않았습니다.",
    blockers: {
      staffRole: "운영 역할(운영기관, 심사위원, 컨설턴트, 기금 관리자, 감사 또는 플랫폼 관리자)을 맡고 있습니다. 공적 업무의 기록이 누구의 것인지 남아야 하므로, 먼저 플랫폼 관리자에게 역할 회수를 요청하세요.",
      soleOwner: (names: string) => `기업의 유일한 대표 관리자입니다 (${names}). 다른 구성원을 대표 관리자로 초대하거나 운영기관에 문의한 뒤 탈퇴하세요.`,
      openPledges: (titles: string) => `아직 끝나지 않은 후원이 있습니다 (${titles}). 마감 전이면 후원을 취소할 수 있고, 아니면 결제나 환불이 끝난 뒤 탈퇴할 수 있습니다.`,
      openPayment: "처리 중인 융자 상환 결제가 있습니다. 결제가 끝난 뒤 탈퇴하세요.",
    },
    password: "비밀번호 확인",
    confirm: "위 내용을 이해했으며 탈퇴합니다",
    submit: "탈퇴하기",
  },
  admin: {
    title: "개인정보 처리 현황",
    intro: "회원 탈퇴 요청과 처리 시각입니다. 탈퇴한 회원은 번호로만 표시합니다.",
    user: "회원 번호",
    requestedAt: "요청",
    completedAt: "처리 완료",
    pledgesKept: "보관한 후원 기록",
    keepUntil: "보관 기한",
    none: "탈퇴 요청이 없습니다.",
    pending: "처리 중",
  },
  policy: {
    title: "개인정보처리방침",
    effective: (date: string) => `시행일 ${date}`,
    intro: "함께펀드(이하 ‘플랫폼’)는 「개인정보 보호법」에 따라 이용자의 개인정보를 보호하고 관련 고충을 신속하게 처리하기 위해 다음과 같이 개인정보처리방침을 둡니다.",
    sections: [
      {
        heading: "1. 처리 목적",
        paragraphs: ["플랫폼은 다음 목적으로만 개인정보를 처리하며, 목적이 바뀌면 미리 동의를 받습니다."],
        list: [
          "회원 가입·로그인과 계정 관리, 부정 이용 방지(로그인 시도 제한)",
          "후원 접수, 결제와 카드 등록, 영수증·영수증 코드 발급, 환불",
          "사회적경제기업 등록, 공모 신청·심사·컨설팅, 지출 요청, 자활기금 융자 업무",
          "선택 동의한 분께 새 캠페인 소식 이메일 발송",
        ],
      },
      {
        heading: "2. 처리하는 항목",
        paragraphs: [],
        list: [
          "필수: 이메일 주소, 이름(표시 이름), 비밀번호(argon2로 암호화), 만 14세 이상 여부",
          "후원 시: 금액, 종류, 리워드, 응원 메시지, 이름 표시 방법, 기업 후원의 기업명·사업자등록번호, 카드 끝 4자리(카드 번호 전체는 결제대행사만 처리)",
          "자동 생성: 로그인 세션의 접속 IP 주소와 브라우저 정보, 로그인 실패 기록(15분)",
          "선택: 새 캠페인 소식 이메일 수신 여부",
        ],
      },
      {
        heading: "3. 보유 기간과 법령에 따른 보존",
        paragraphs: [
          "회원 정보는 탈퇴할 때까지 보유하며, 탈퇴하면 지체 없이 지웁니다. 다만 다음 기록은 법령에 따라 이름과 연락처를 지운 채(탈퇴한 회원 번호로만) 보관합니다.",
        ],
        list: [
          "후원·결제·환불 기록(대금결제와 재화 등의 공급, 계약·청약철회에 관한 기록): 5년 — 「전자상거래 등에서의 소비자보호에 관한 법률」 제6조, 시행령 제6조",
          "기부금 영수증 발급과 장부·증빙(기업 후원의 기업명·사업자등록번호 포함): 5년 — 「국세기본법」 제85조의3, 「소득세법」 제160조의3, 「법인세법」 제112조의2",
          "공개 장부: 돈의 흐름을 영구히 공개하는 장부로, 처음부터 개인정보가 없습니다. 후원자는 영수증 코드로만 열 수 있는 해시값으로만 나타납니다.",
        ],
      },
      {
        heading: "4. 만 14세 미만 아동",
        paragraphs: ["플랫폼은 만 14세 미만 아동의 회원 가입을 받지 않습니다. 가입할 때 만 14세 이상인지 확인하며, 생년월일은 받지 않습니다."],
      },
      {
        heading: "5. 처리 위탁과 국외 이전",
        paragraphs: [
          "카드 결제는 결제대행사 Stripe, Inc.(미국)가 처리합니다. 이전 항목: 이메일 주소(결제 고객 정보), 결제 금액, 카드 정보, 결제 식별번호(이름은 보내지 않습니다). 이전 시기와 방법: 결제할 때 암호화된 통신으로. 보유 기간: Stripe의 법적 보존 기간. 결제를 하지 않으면 이전되지 않으며, 이를 거부하면 카드 후원을 할 수 없습니다.",
          "이메일을 보낼 때에는 운영기관이 지정한 메일 발송 서버를 이용합니다.",
        ],
      },
      {
        heading: "6. 이용자의 권리와 행사 방법",
        paragraphs: [
          "이용자는 언제든 자신의 개인정보를 열람·내려받기(내 정보 › 개인정보, JSON·CSV), 정정, 삭제(회원 탈퇴), 처리 정지와 동의 철회(선택 동의는 내 정보에서 바로)를 요구할 수 있습니다. 진행 중인 후원이나 맡은 운영 역할이 있으면 그 일이 끝난 뒤 탈퇴할 수 있으며, 이유를 화면에 안내합니다.",
        ],
      },
      {
        heading: "7. 파기 절차와 방법",
        paragraphs: [
          "탈퇴하면 이름·이메일·비밀번호·접속 정보를 같은 거래 안에서 지우거나 되돌릴 수 없는 값으로 바꾸고, 로그인 세션을 모두 끊습니다. 법령에 따라 보관하는 기록은 다른 정보와 분리하여 탈퇴한 회원 번호로만 보관합니다.",
        ],
      },
      {
        heading: "8. 안전성 확보 조치",
        paragraphs: [
          "비밀번호 암호화(argon2id), 세션 토큰의 해시 저장과 로그아웃 시 서버 측 폐기, 요청 위조 방지(CSRF), 로그인 시도 제한, 권한별 접근 통제와 두 사람 승인, 데이터베이스 역할 분리, 기록(로그)과 공개 장부에 개인정보를 남기지 않음.",
        ],
      },
      {
        heading: "9. 쿠키",
        paragraphs: ["로그인 세션, 요청 위조 방지, 화면 언어를 위한 쿠키만 씁니다. 광고나 행태 분석 쿠키는 쓰지 않습니다. 브라우저에서 쿠키를 막으면 로그인할 수 없습니다."],
      },
      {
        heading: "10. 개인정보 보호책임자와 고충 처리",
        paragraphs: [
          "개인정보 보호책임자: 플랫폼을 운영하는 기관의 개인정보 보호책임자(운영기관이 지정하여 이 페이지에 게시). 개인정보 침해에 대한 상담은 개인정보침해신고센터(국번 없이 118, privacy.kisa.or.kr), 개인정보분쟁조정위원회(1833-6972, www.kopico.go.kr)에도 할 수 있습니다.",
        ],
      },
    ] satisfies PolicySection[],
  },
};

export const privacy = defineMessages({
  ko,
  en: {
    consents: {
      account: {
        title: "[Required] Consent to the collection and use of personal information",
        purpose: "Signing up and logging in; pledges, payments, receipts and refunds; enterprise registration, contest applications, screening and self-sufficiency fund work; answering enquiries",
        items: "E-mail address, name (display name), password (stored encrypted), whether you are 14 or older. When you back a campaign: amount, kind, reward, message, how your name is shown, and for a company its name and business registration number. Created while you use the service: IP address, browser, log-in times",
        retention: "Until you delete your account. Pledge and payment records the law requires are kept for 5 years without your name or contact details (see the privacy policy).",
        refusal: "You may refuse. This consent is necessary for the service, so without it you cannot sign up or back campaigns. Campaigns and the public ledger are open without an account.",
        agree: "I have read the above and consent to the collection and use of my personal information (required)",
      },
      campaignEmails: {
        title: "[Optional] E-mails about new campaigns",
        purpose: "We tell you about new campaigns and contests by e-mail.",
        items: "E-mail address, name",
        retention: "Until you withdraw this consent or delete your account",
        refusal: "Declining changes nothing about signing up or using any part of the service. You can change it at any time on your account page.",
        agree: "Send me e-mails about new campaigns (optional)",
      },
      purposeLabel: "Purpose",
      itemsLabel: "Items collected",
      retentionLabel: "How long we keep them",
      refusalLabel: "Your right to refuse, and what follows",
      ageLegend: "Your age",
      ageHint: "Personal information of a child under 14 may be processed only with a legal guardian's consent.",
      ageGroups: { "14_or_older": "I am 14 or older", under_14: "I am under 14" },
      policyLink: "Read the full privacy policy",
    },
    account: {
      title: "Personal information",
      consentsTitle: "Your consents",
      consentRow: (version: string, at: string) => `Text version ${version} · ${at}`,
      granted: "Given",
      withdrawn: "Not given",
      noRecord: "No record (signed up before consents were recorded)",
      campaignEmailsOn: "Send me e-mails about new campaigns",
      campaignEmailsOff: "Stop e-mails about new campaigns",
      downloadTitle: "Download your data",
      downloadIntro: "Your profile, pledges with their receipt codes, and your consents, as a file.",
      downloadJson: "Download JSON",
      downloadCsv: "Download CSV",
      deleteTitle: "Delete your account",
      deleteIntro: "Deleting erases your name, e-mail, password and log-in records and signs you out everywhere.",
      deleteLink: "What deletion means, and how",
    },
    deletion: {
      title: "Delete your account",
      whatHappens: "When you delete your account",
      erased: [
        "Your name, e-mail address and password are erased and the account becomes a “deleted member”. Nobody can log in to it again.",
        "You are signed out on every device; IP addresses and browser details, password-reset links and e-mails sent or waiting are erased.",
        "Backer lists show your pledges as anonymous, without your messages.",
        "You leave the enterprises you belong to. The enterprises and their records stay.",
      ],
      keptTitle: "What stays",
      kept: [
        "Pledge, payment and refund records (amount, date, campaign, receipt code, and for company pledges the company's name and registration number) are kept for 5 years, as e-commerce and tax law require — under a deleted member's number, without your name or contact details.",
        "The public ledger does not change. It never held your name: only values that your receipt code opens.",
        "Your consent records stay, as proof that consent was given.",
      ],
      blockedTitle: "You cannot delete your account yet",
      blockedIntro: "These must be finished first. Nothing was changed.",
      blockers: {
        staffRole: "You hold a staff role (operator, juror, consultant, fund administrator, auditor or platform administrator). Official records must stay attributable, so ask the platform administrator to revoke your roles first.",
        soleOwner: (names: string) => `You are the only owner of an enterprise (${names}). Invite another member as owner, or contact the host, before deleting your account.`,
        openPledges: (titles: string) => `You have pledges that are not finished (${titles}). Before the deadline you can cancel them; otherwise you can delete your account once they are paid or refunded.`,
        openPayment: "A loan repayment you started is still being processed. Delete your account once it has finished.",
      },
      password: "Confirm your password",
      confirm: "I understand, delete my account",
      submit: "Delete my account",
    },
    admin: {
      title: "Personal information requests",
      intro: "Account deletion requests and when they were completed. Deleted members are shown by number only.",
      user: "Member no.",
      requestedAt: "Requested",
      completedAt: "Completed",
      pledgesKept: "Pledge records kept",
      keepUntil: "Kept until",
      none: "No deletion requests.",
      pending: "In progress",
    },
    policy: {
      title: "Privacy policy",
      effective: (date: string) => `Effective ${date}`,
      intro: "Hamkke Fund (the platform) sets out this privacy policy under the Personal Information Protection Act to protect its users' personal information and handle complaints promptly.",
      sections: [
        {
          heading: "1. Purposes",
          paragraphs: ["The platform processes personal information only for these purposes, and asks for consent before any new one."],
          list: [
            "Signing up, logging in and managing accounts; preventing abuse (log-in throttling)",
            "Taking pledges, payments and saved cards; issuing receipts and receipt codes; refunds",
            "Registering social-economy enterprises; contest applications, screening and consulting; spending requests; self-sufficiency fund loans",
            "E-mails about new campaigns, to those who opted in",
          ],
        },
        {
          heading: "2. Items",
          paragraphs: [],
          list: [
            "Required: e-mail address, name (display name), password (hashed with argon2), whether you are 14 or older",
            "When you back a campaign: amount, kind, reward, message, how your name is shown, a company's name and business registration number, the card's last 4 digits (the full card number is handled by the payment processor only)",
            "Created automatically: IP address and browser of log-in sessions, failed log-ins (15 minutes)",
            "Optional: whether you receive e-mails about new campaigns",
          ],
        },
        {
          heading: "3. Retention, and records the law requires",
          paragraphs: [
            "Account data is kept until you delete your account and erased without delay when you do. These records are kept as the law requires, without your name or contact details (under a deleted member's number only):",
          ],
          list: [
            "Pledge, payment and refund records (payment and supply, contracts and withdrawals): 5 years — Act on Consumer Protection in Electronic Commerce, Article 6 and its Enforcement Decree, Article 6",
            "Donation receipts, books and vouchers (incl. a company backer's name and registration number): 5 years — Framework Act on National Taxes, Article 85-3; Income Tax Act, Article 160-3; Corporate Tax Act, Article 112-2",
            "The public ledger: a permanent public record of money, which never held personal information. A backer appears only as a hash that their receipt code opens.",
          ],
        },
        {
          heading: "4. Children under 14",
          paragraphs: ["The platform does not accept sign-ups from children under 14. Sign-up asks whether you are 14 or older; it does not ask for a birth date."],
        },
        {
          heading: "5. Processors and transfer abroad",
          paragraphs: [
            "Card payments are processed by Stripe, Inc. (United States). Transferred: e-mail address (as the payment customer), amount, card details, payment identifiers (not your name). When and how: at payment, over encrypted connections. Kept: for Stripe's legal retention periods. Nothing is transferred unless you pay; refusing means you cannot back a campaign by card.",
            "E-mail is sent through the mail server the operating organisation designates.",
          ],
        },
        {
          heading: "6. Your rights and how to use them",
          paragraphs: [
            "You may at any time see and download your personal information (My account › Personal information, JSON and CSV), correct it, have it erased (delete your account), and suspend processing or withdraw consent (the optional consent directly on your account page). While a pledge is unfinished or you hold a staff role, deletion waits until that is over; the page tells you why.",
          ],
        },
        {
          heading: "7. Destruction",
          paragraphs: [
            "On deletion, name, e-mail, password and log-in data are erased or replaced with values that cannot be reversed, in one transaction, and every session is revoked. Records kept by law are held apart under a deleted member's number only.",
          ],
        },
        {
          heading: "8. Security",
          paragraphs: [
            "Passwords hashed with argon2id; session tokens stored hashed and revoked on the server at log-out; cross-site request forgery protection; log-in throttling; role-based access and four-eyes approval; separate database roles; no personal information in logs or in the public ledger.",
          ],
        },
        {
          heading: "9. Cookies",
          paragraphs: ["Only cookies for the log-in session, request-forgery protection and the page language. No advertising or tracking cookies. Blocking cookies prevents logging in."],
        },
        {
          heading: "10. Privacy officer and complaints",
          paragraphs: [
            "Privacy officer: the privacy officer of the organisation operating the platform (named on this page by that organisation). You may also contact the Personal Information Infringement Report Center (118, privacy.kisa.or.kr) or the Personal Information Dispute Mediation Committee (1833-6972, www.kopico.go.kr).",
          ],
        },
      ],
    },
  },
});
